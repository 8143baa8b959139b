package io.nais.pg.cli;

import io.nais.pg.cli.auth.AccessTokens;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.proxy.GatewayDialer;
import io.nais.pg.cli.proxy.LocalProxy;
import io.nais.pg.cli.proxy.ProxyLog;
import io.nais.pg.cli.proxy.Route;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * The training run bin/nais records an AppCDS archive from
 * ({@code -XX:ArchiveClassesAtExit}): it walks the hot paths once (help,
 * configuration, token decoding, TLS set-up, a proxy bind) so that the archive
 * holds their classes and every later start skips loading and verifying them.
 * Touches nothing outside a temporary directory; talks to no server.
 */
public final class CdsTraining {

    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Files.createTempDirectory("nais-cds");
        try {
            PrintWriter discard = new PrintWriter(Writer.nullWriter());
            Environment environment = new Environment(Map.of("NAIS_CONFIG_DIR", directory.toString(),
                    "NAIS_TOKEN", unsignedToken(), "NAIS_GATEWAY_HOST", "127.0.0.1", "NAIS_TEAM", "team"), directory);
            for (String[] command : new String[][] {{"--help"}, {"postgres", "proxy", "--help"}, {"postgres", "psql", "--help"},
                    {"auth", "--help"}, {"auth", "status"}, {"auth", "print-access-token"}}) {
                Nais.run(environment, discard, discard, command);
            }
            CliConfig config = CliConfig.load(environment);
            Route route = Route.resolve(config, "app", null);
            try (LocalProxy proxy = new LocalProxy(route, new AccessTokens(config, environment),
                    GatewayDialer.fromConfig(config, route), 1, ProxyLog.quiet())) {
                proxy.start("127.0.0.1", 0);
            }
        } finally {
            try (var files = Files.walk(directory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Shaped like a token so the decoding path runs; signed by nobody, sent nowhere. */
    private static String unsignedToken() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String payload = "{\"email\":\"training@example.invalid\",\"exp\":" + (System.currentTimeMillis() / 1000 + 3600) + "}";
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".x";
    }
}
