package io.nais.pg.cli.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.cli.ExitCode;
import io.nais.pg.cli.testing.InProcess;
import io.nais.pg.cli.testing.TestTokens;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stored login and NAIS_TOKEN, without an issuer: what each command does with them. */
class TokenHandlingTest {

    @TempDir
    Path home;

    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("NAIS_CONFIG_DIR", home.resolve("nais").toString());
        env.put("NAIS_ISSUER", "http://127.0.0.1:9/issuer");
        return env;
    }

    @Test
    void tokenCacheIsWrittenOwnerOnlyAndReadBack() throws Exception {
        TokenCache cache = new TokenCache(home.resolve("fresh").resolve("nais"));
        TokenSet tokens = new TokenSet("http://issuer", "ada@example.com", "access-value", Instant.parse("2030-01-01T00:00:00Z"), "refresh-value");

        cache.save(tokens);
        cache.save(tokens); // rewriting keeps the permissions

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.file().getParent()))).isEqualTo("rwx------");
        assertThat(cache.load()).contains(tokens);
        try (var files = Files.list(cache.file().getParent())) {
            assertThat(files).containsExactly(cache.file());
        }
    }

    @Test
    void tokenSetNeverPrintsItsTokens() {
        TokenSet tokens = new TokenSet("http://issuer", "ada@example.com", "access-value", Instant.now(), "refresh-value");
        assertThat(tokens.toString()).doesNotContain("access-value").doesNotContain("refresh-value");
    }

    @Test
    void withoutALoginEveryCommandSaysRunNaisAuthLogin() {
        for (String[] command : new String[][] {{"auth", "print-access-token"}, {"auth", "status"},
                {"postgres", "proxy", "demo-app", "--team", "team-a", "--gateway", "127.0.0.1:9", "--port", "0"}}) {
            InProcess.Result result = InProcess.run(environment(), home, command);

            assertThat(result.exitCode()).as(String.join(" ", command)).isEqualTo(ExitCode.NOT_LOGGED_IN.status());
            assertThat(result.err()).isEqualTo("nais: You are not logged in. Run: nais auth login\n");
        }
    }

    @Test
    void naisTokenOverridesTheStoredLogin() {
        String stored = TestTokens.accessToken("stored@example.com", Duration.ofHours(1));
        new TokenCache(home.resolve("nais")).save(new TokenSet("http://127.0.0.1:9/issuer", "stored@example.com", stored,
                Instant.now().plusSeconds(3600), null));
        String fromEnvironment = TestTokens.accessToken("ci@example.com", Duration.ofHours(1));
        Map<String, String> env = environment();
        env.put("NAIS_TOKEN", fromEnvironment);

        InProcess.Result printed = InProcess.run(env, home, "auth", "print-access-token");
        InProcess.Result status = InProcess.run(env, home, "auth", "status");

        assertThat(printed.exitCode()).isZero();
        assertThat(printed.out().strip()).isEqualTo(fromEnvironment);
        assertThat(status.out()).contains("Logged in as ci@example.com (token from NAIS_TOKEN)")
                .doesNotContain(fromEnvironment).doesNotContain(stored);
    }

    @Test
    void expiredNaisTokenIsRefusedWithAnExplanation() {
        Map<String, String> env = environment();
        env.put("NAIS_TOKEN", TestTokens.accessToken("ci@example.com", Duration.ofMinutes(-5)));

        InProcess.Result result = InProcess.run(env, home, "auth", "print-access-token");

        assertThat(result.exitCode()).isEqualTo(ExitCode.NOT_LOGGED_IN.status());
        assertThat(result.err()).startsWith("nais: NAIS_TOKEN has expired").contains("nais auth login");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void expiredLoginWhoseRenewalFailsSaysRunNaisAuthLogin() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String issuer = "http://127.0.0.1:" + closedPort + "/issuer";
        new TokenCache(home.resolve("nais")).save(new TokenSet(issuer, "ada@example.com",
                TestTokens.accessToken("ada@example.com", Duration.ofMinutes(-1)), Instant.now().minusSeconds(60), "a-refresh-token"));
        Map<String, String> env = environment();
        env.put("NAIS_ISSUER", issuer);

        InProcess.Result result = InProcess.run(env, home, "auth", "print-access-token");

        assertThat(result.exitCode()).isEqualTo(ExitCode.NOT_LOGGED_IN.status());
        assertThat(result.err()).startsWith("nais: Your login has expired and could not be renewed: Cannot reach the issuer")
                .endsWith("Run: nais auth login\n").doesNotContain("a-refresh-token");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void expiredLoginWithoutRefreshTokenSaysRunNaisAuthLogin() {
        new TokenCache(home.resolve("nais")).save(new TokenSet("http://127.0.0.1:9/issuer", "ada@example.com",
                "opaque", Instant.now().minusSeconds(1), null));

        InProcess.Result result = InProcess.run(environment(), home, "auth", "print-access-token");

        assertThat(result.exitCode()).isEqualTo(ExitCode.NOT_LOGGED_IN.status());
        assertThat(result.err()).isEqualTo("nais: Your login has expired. Run: nais auth login\n");
    }

    @Test
    void loginToAnotherIssuerCountsAsNotLoggedIn() {
        new TokenCache(home.resolve("nais")).save(new TokenSet("http://elsewhere/issuer", "ada@example.com",
                "opaque", Instant.now().plusSeconds(3600), null));

        InProcess.Result result = InProcess.run(environment(), home, "auth", "print-access-token");

        assertThat(result.exitCode()).isEqualTo(ExitCode.NOT_LOGGED_IN.status());
        assertThat(result.err()).contains("logged in to http://elsewhere/issuer, but the configured issuer is http://127.0.0.1:9/issuer");
    }

    @Test
    void logoutForgetsTheLogin() {
        TokenCache cache = new TokenCache(home.resolve("nais"));
        cache.save(new TokenSet("http://127.0.0.1:9/issuer", "ada@example.com", "opaque", Instant.now().plusSeconds(3600), null));

        InProcess.Result result = InProcess.run(environment(), home, "auth", "logout");

        assertThat(result.exitCode()).isZero();
        assertThat(Files.exists(cache.file())).isFalse();
        assertThat(InProcess.run(environment(), home, "auth", "status").exitCode()).isEqualTo(ExitCode.NOT_LOGGED_IN.status());
    }
}
