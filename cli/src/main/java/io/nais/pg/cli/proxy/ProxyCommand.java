package io.nais.pg.cli.proxy;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.Environment;
import io.nais.pg.cli.ExitCode;
import io.nais.pg.cli.PostgresCommand;
import io.nais.pg.cli.auth.AccessTokens;
import io.nais.pg.cli.auth.TokenSet;
import io.nais.pg.cli.config.CliConfig;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nais postgres proxy <app>}: a local, password-less door to the app's database. */
@Command(name = "proxy", description = {
        "Listen locally and log every client connection in to the app's database as you,",
        "with your current token (renewed as needed). Any PostgreSQL client connects with no password.",
        "Runs until Ctrl-C, which stops accepting and lets open sessions finish for --drain-timeout.",
        "Anyone who can reach the proxy's port gets a session as you, with no password: it listens on",
        "loopback only, unless you pass --allow-remote with a --host other machines can reach."},
        footerHeading = "%nExamples:%n",
        footer = {"  nais postgres proxy demo-app",
                "  nais postgres proxy demo-app --team team-a --port 5433",
                "  nais postgres proxy demo-app --port 0          # any free port; printed at start",
                "  nais postgres proxy demo-app --read-only       # every session can SELECT and nothing else",
                "  nais postgres proxy demo-app --host 0.0.0.0 --allow-remote   # every host that reaches this port is you"})
public final class ProxyCommand implements Callable<Integer> {

    @ParentCommand PostgresCommand postgres;
    @Spec CommandSpec spec;
    @Mixin Target target;

    @Option(names = {"-p", "--port"}, defaultValue = "5432", description = "Local port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Local address to listen on (default: ${DEFAULT-VALUE}); "
            + "one that is not loopback needs --allow-remote.")
    String host;
    @Option(names = "--allow-remote", description = "Listen on a --host that is not loopback: whoever reaches the port "
            + "is logged in as you.")
    boolean allowRemote;
    @Option(names = "--max-connections", defaultValue = "64", description = "Open client connections at most (default: ${DEFAULT-VALUE}).")
    int maxConnections;
    @Option(names = "--drain-timeout", defaultValue = "5", paramLabel = "SECONDS", description = "On Ctrl-C, how long open sessions may go on (default: ${DEFAULT-VALUE}).")
    int drainSeconds;
    @Option(names = "--no-check", description = "Skip the login through the gateway at start.")
    boolean noCheck;
    @Option(names = {"-v", "--verbose"}, description = "Print each connection as it opens (with where its set-up time went) and closes.")
    boolean verbose;

    @Override
    public Integer call() throws InterruptedException {
        refuseRemoteHostUnlessAllowed();
        Environment environment = postgres.nais().environment();
        CliConfig config = target.withGateway(postgres.nais().config());
        Route route = target.route(postgres.nais(), config);
        AccessTokens tokens = new AccessTokens(config, environment);
        TokenSet who = tokens.current();
        GatewayDialer dialer = GatewayDialer.fromConfig(config, route);
        PrintWriter err = spec.commandLine().getErr();
        LocalProxy proxy = new LocalProxy(route, tokens, dialer, maxConnections, ProxyLog.to(err, verbose));
        InetSocketAddress address = proxy.start(host, port);
        try {
            if (!noCheck) {
                GatewayCheck.run(dialer, route, who);
            }
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(proxy, err), "nais-proxy-shutdown"));
        announce(spec.commandLine().getOut(), route, who, address);
        proxy.awaitStopped();
        return 0;
    }

    /**
     * The proxy answers the gateway's password question with the person's token,
     * so every connection it accepts is the person: on an address other machines
     * reach, each of them would be. That takes an explicit yes.
     */
    private void refuseRemoteHostUnlessAllowed() {
        if (allowRemote || isLoopback(host)) {
            return;
        }
        throw new CliException(ExitCode.USAGE, "--host " + host + " is not a loopback address: anyone who can reach it"
                + " would get a session as you, with no password. Listen on 127.0.0.1, or pass --allow-remote if"
                + " that is what you want.");
    }

    /** True when every address the name stands for is loopback; a name that does not resolve is not. */
    static boolean isLoopback(String host) {
        try {
            return Arrays.stream(InetAddress.getAllByName(host)).allMatch(InetAddress::isLoopbackAddress);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private void stop(LocalProxy proxy, PrintWriter err) {
        int open = proxy.openConnections();
        err.println(open == 0 ? "nais proxy: stopping." : "nais proxy: stopping; " + open
                + " open connection(s) may finish within " + drainSeconds + "s.");
        err.flush();
        proxy.stop(Duration.ofSeconds(drainSeconds));
    }

    static void announce(PrintWriter out, Route route, TokenSet who, InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        int port = address.getPort();
        out.println("Proxy for " + route.clusterId() + " listening on " + host + ":" + port + ", logging in as "
                + route.gatewayUser(who.identity()) + (route.readOnly() ? " (read-only)." : "."));
        out.println("Connect with (no password needed):");
        String user = route.gatewayUser(who.identity());
        out.println("  psql \"" + connectionString(route, user, host, port) + "\"");
        out.println("  jdbc:postgresql://" + host + ":" + port + "/" + encode(route.clusterId()) + "?user=" + encode(user)
                + "&sslmode=disable");
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    public static String connectionString(Route route, String identity, String host, int port) {
        return "host=" + host + " port=" + port + " dbname=" + route.clusterId() + " user=" + identity + " sslmode=disable";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
