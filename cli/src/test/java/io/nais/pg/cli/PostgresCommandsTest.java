package io.nais.pg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.cli.testing.InProcess;
import io.nais.pg.cli.testing.NaisProcess;
import io.nais.pg.cli.testing.PasswordTlsPostgres;
import io.nais.pg.cli.testing.TestTokens;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nais postgres proxy|psql} as a person runs them: configuration from
 * the config file, the token from NAIS_TOKEN, real psql, a real server that
 * logs people in the gateway's way ({@link PasswordTlsPostgres}).
 */
class PostgresCommandsTest {

    static final String EMAIL = "grace@example.com";

    @TempDir
    static Path home;
    static PasswordTlsPostgres server;
    static Map<String, String> environment;

    @BeforeAll
    static void start() throws Exception {
        server = new PasswordTlsPostgres(home.resolve("server"));
        String token = TestTokens.accessToken(EMAIL, Duration.ofHours(1));
        server.addPerson(EMAIL, token);
        Path configDir = home.resolve("config");
        Files.createDirectories(configDir);
        Files.writeString(configDir.resolve("config.properties"), String.join("\n",
                "issuer=http://127.0.0.1:9/unused",
                "gateway.host=127.0.0.1",
                "gateway.port=" + server.port(),
                "gateway.ca-file=" + server.caFile(),
                "team=" + PasswordTlsPostgres.TEAM));
        environment = Map.of("NAIS_CONFIG_DIR", configDir.toString(), "NAIS_TOKEN", token);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void psqlCommandRunsPsqlAsThePersonAndReturnsItsExitCode() throws Exception {
        NaisProcess.Result ok = NaisProcess.run(environment, "postgres", "psql", PasswordTlsPostgres.APP,
                "--", "-X", "-A", "-t", "-c", "select current_user");
        NaisProcess.Result failed = NaisProcess.run(environment, "postgres", "psql", PasswordTlsPostgres.APP,
                "--", "-X", "-c", "select 1/0");

        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out().strip()).isEqualTo(EMAIL);
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).contains("division by zero");
    }

    @Test
    void proxyCommandPrintsHowToConnectServesPsqlAndStopsOnCtrlC() throws Exception {
        Process proxy = NaisProcess.start(environment, "postgres", "proxy", PasswordTlsPostgres.APP, "--port", "0");
        try {
            List<String> printed = NaisProcess.readUntil(proxy, "Press Ctrl-C");
            String psqlLine = printed.stream().filter(line -> line.contains("psql \"")).findFirst().orElseThrow();
            Matcher port = Pattern.compile("port=(\\d+)").matcher(psqlLine);
            assertThat(port.find()).isTrue();
            assertThat(psqlLine).contains("dbname=" + PasswordTlsPostgres.CLUSTER_ID).contains("user=" + EMAIL);

            Process psql = new ProcessBuilder(server.cluster().binDir().resolve("psql").toString(), "-X", "-A", "-t",
                    psqlLine.substring(psqlLine.indexOf('"') + 1, psqlLine.lastIndexOf('"')), "-c", "select current_user").start();
            assertThat(new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo(EMAIL);

            new ProcessBuilder("kill", "-INT", Long.toString(proxy.pid())).start().waitFor();
            assertThat(proxy.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(proxy.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("nais proxy: stopping");
        } finally {
            proxy.destroyForcibly();
        }
    }

    @Test
    void busyLocalPortIsReportedWithExitCode8() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InProcess.Result result = InProcess.run(environment, home, "postgres", "proxy", PasswordTlsPostgres.APP,
                    "--port", Integer.toString(taken.getLocalPort()));

            assertThat(result.exitCode()).isEqualTo(ExitCode.PORT_IN_USE.status());
            assertThat(result.err()).startsWith("nais: Port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
        }
    }

    /** Hole 9 of issue 18: whoever reaches the proxy's port is the person, so other machines must not by accident. */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // without the check the refused command would listen until stopped
    void proxyRefusesANonLoopbackHostUnlessTheRemoteListenerIsConfirmed() throws Exception {
        InProcess.Result refused = InProcess.run(environment, home, "postgres", "proxy", PasswordTlsPostgres.APP,
                "--host", "0.0.0.0", "--port", "0");

        assertThat(refused.exitCode()).isEqualTo(ExitCode.USAGE.status());
        assertThat(refused.err()).startsWith("nais: --host 0.0.0.0 is not a loopback address").contains("--allow-remote");
        assertThat(refused.out()).doesNotContain("listening on");

        Process allowed = NaisProcess.start(environment, "postgres", "proxy", PasswordTlsPostgres.APP,
                "--host", "0.0.0.0", "--allow-remote", "--port", "0");
        try {
            List<String> printed = NaisProcess.readUntil(allowed, "Press Ctrl-C");
            assertThat(printed).anyMatch(line -> line.contains("listening on 0.0.0.0:"));
        } finally {
            new ProcessBuilder("kill", "-INT", Long.toString(allowed.pid())).start().waitFor();
            allowed.waitFor(15, TimeUnit.SECONDS);
            allowed.destroyForcibly();
        }
    }

    @Test
    void proxyHelpSaysWhyARemoteHostNeedsConfirmation() {
        InProcess.Result help = InProcess.run(environment, home, "postgres", "proxy", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--allow-remote").contains("Anyone who can reach the proxy's port gets a session as you");
    }

    @Test
    void unknownAppIsReportedWithExitCode7() {
        InProcess.Result result = InProcess.run(environment, home, "postgres", "proxy", "no-such-app", "--port", "0");

        assertThat(result.exitCode()).isEqualTo(ExitCode.UNKNOWN_TARGET.status());
        assertThat(result.err()).startsWith("nais: The gateway does not know team-a/no-such-app: ")
                .contains("check the app name and --team");
    }

    @Test
    void impossibleAppOrTeamNameIsReportedWithoutAskingTheGateway() {
        InProcess.Result app = InProcess.run(environment, home, "postgres", "proxy", "Demo_App", "--port", "0");
        InProcess.Result team = InProcess.run(environment, home, "postgres", "psql", "demo-app", "--team", "Team A");

        assertThat(app.exitCode()).isEqualTo(ExitCode.UNKNOWN_TARGET.status());
        assertThat(app.err()).isEqualTo("nais: There is no app called 'Demo_App': app names are lower-case letters, digits and dashes.\n");
        assertThat(team.exitCode()).isEqualTo(ExitCode.UNKNOWN_TARGET.status());
    }

    @Test
    void missingTeamSaysHowToGiveOne() {
        Map<String, String> env = new HashMap<>(environment);
        env.put("NAIS_CONFIG_DIR", home.resolve("empty-config").toString());
        env.put("NAIS_GATEWAY_HOST", "127.0.0.1");

        InProcess.Result result = InProcess.run(env, home, "postgres", "proxy", "demo-app");

        assertThat(result.exitCode()).isEqualTo(ExitCode.CONFIG.status());
        assertThat(result.err()).startsWith("nais: Which team owns demo-app? Pass --team <team>");
    }

    @Test
    void refusalByTheGatewayIsShownInItsOwnWordsWithExitCode6() {
        InProcess.Result result = InProcess.run(environment, home, "postgres", "proxy", PasswordTlsPostgres.REFUSED_APP, "--port", "0");

        assertThat(result.exitCode()).isEqualTo(ExitCode.ACCESS_DENIED.status());
        assertThat(result.err()).startsWith("nais: The gateway refused access to team-a/secret-app: pg_hba.conf rejects connection");
    }

    @Test
    void unreachableGatewayIsReportedWithExitCode5() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        InProcess.Result result = InProcess.run(environment, home, "postgres", "proxy", PasswordTlsPostgres.APP,
                "--port", "0", "--gateway", "127.0.0.1:" + closedPort);

        assertThat(result.exitCode()).isEqualTo(ExitCode.GATEWAY_UNREACHABLE.status());
        assertThat(result.err()).startsWith("nais: Cannot reach the gateway at 127.0.0.1:" + closedPort + ": Connect");
    }
}
