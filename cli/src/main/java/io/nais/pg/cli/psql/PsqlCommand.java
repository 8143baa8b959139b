package io.nais.pg.cli.psql;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.Environment;
import io.nais.pg.cli.ExitCode;
import io.nais.pg.cli.PostgresCommand;
import io.nais.pg.cli.auth.AccessTokens;
import io.nais.pg.cli.auth.TokenSet;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.proxy.GatewayDialer;
import io.nais.pg.cli.proxy.LocalProxy;
import io.nais.pg.cli.proxy.ProxyLog;
import io.nais.pg.cli.proxy.Route;
import io.nais.pg.cli.proxy.Target;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import sun.misc.Signal;

/**
 * {@code nais postgres psql <app>}: a proxy on a free loopback port for as long
 * as one psql runs against it, as the person; returns psql's exit status. The
 * connection to the gateway is dialed while psql starts (see bench/psql-launch.sh):
 * the token is read once, and the one login is psql's own.
 */
@Command(name = "psql", description = {
        "Run psql against the app's database as you: starts a proxy on a free local port,",
        "runs psql (from PATH, else /usr/lib/postgresql/*/bin), returns psql's exit status.",
        "Arguments after -- go to psql."},
        footerHeading = "%nExamples:%n",
        footer = {"  nais postgres psql demo-app",
                "  nais postgres psql demo-app --team team-a -- -c 'select current_user'",
                "  nais postgres psql demo-app --read-only        # as <you>/ro: SELECT only, nothing you type gives write",
                "  nais postgres psql demo-app -- -f migration-check.sql -v ON_ERROR_STOP=1"})
public final class PsqlCommand implements Callable<Integer> {

    @ParentCommand PostgresCommand postgres;
    @Mixin Target target;

    @Parameters(index = "1..*", paramLabel = "PSQL_ARGS", description = "Arguments for psql (put them after --).")
    List<String> psqlArguments = new ArrayList<>();

    /**
     * Called by {@code main} before the command line is parsed: for {@code postgres psql <app> …}
     * the gateway is dialed from the configuration at once ({@link GatewayDialer#headStart}), so
     * the TLS handshake overlaps picocli's start instead of following it. Only the words before
     * {@code --} are looked at; {@code --gateway} or a help request start nothing.
     */
    public static void headStart(Environment environment, String... args) {
        List<String> words = List.of(args);
        int end = words.indexOf("--");
        List<String> ours = end < 0 ? words : words.subList(0, end);
        if (ours.size() < 3 || !ours.get(0).equals("postgres") || !ours.get(1).equals("psql")
                || ours.stream().anyMatch(w -> w.startsWith("--gateway") || w.equals("--help") || w.equals("-h"))) {
            return;
        }
        try {
            GatewayDialer.headStart(CliConfig.load(environment));
        } catch (CliException e) {
            // an unreadable configuration: the command itself reports it
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Environment environment = postgres.nais().environment();
        CliConfig config = target.withGateway(postgres.nais().config());
        Route route = target.route(postgres.nais(), config);
        try (GatewayDialer gateway = GatewayDialer.fromConfig(config, route).dialAhead()) {
            Path psql = new PsqlLocator(environment, PsqlLocator.DEBIAN_ROOT).find();
            AccessTokens tokens = new AccessTokens(config, environment);
            TokenSet who = tokens.current();
            try (LocalProxy proxy = new LocalProxy(route, tokens, gateway, 16, ProxyLog.quiet())) {
                InetSocketAddress address = proxy.start("127.0.0.1", 0);
                return runPsql(psql, route, who, address);
            }
        }
    }

    private int runPsql(Path psql, Route route, TokenSet who, InetSocketAddress address) throws InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(psql.toString());
        command.addAll(psqlArguments);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        Map<String, String> env = builder.environment();
        env.put("PGHOST", address.getAddress().getHostAddress());
        env.put("PGPORT", Integer.toString(address.getPort()));
        env.put("PGUSER", route.gatewayUser(who.identity()));
        env.put("PGDATABASE", route.clusterId());
        // Loopback to our own proxy: nothing to encrypt or negotiate.
        env.put("PGSSLMODE", "disable");
        env.put("PGGSSENCMODE", "disable");
        env.remove("PGPASSWORD");
        env.remove("NAIS_TOKEN");
        ignoreInterruptsWhilePsqlRuns();
        try {
            return builder.start().waitFor();
        } catch (IOException e) {
            throw new CliException(ExitCode.PSQL_MISSING, "Cannot run " + psql + ": " + e.getMessage(), e);
        }
    }

    /**
     * Ctrl-C reaches the whole foreground process group. psql turns it into a
     * query cancel (which travels through our proxy), so this JVM must not die of it.
     */
    private static void ignoreInterruptsWhilePsqlRuns() {
        try {
            Signal.handle(new Signal("INT"), signal -> { });
        } catch (IllegalArgumentException e) {
            // No SIGINT on this platform: nothing to ignore.
        }
    }
}
