package io.nais.pg.access.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.cli.Nais;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code nais postgres proxy} (its own JVM, configured only through the
 * environment, token from {@code NAIS_TOKEN}) in front of the real gateway: psql and
 * pgjdbc connect to it at the same time, with no password, as the person.
 */
@QuarkusTest
@TestProfile(GatewayEnabledProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class CliProxyThroughGatewayTest {

    private final GatewayHarness world = GatewayHarness.shared();

    @TempDir
    Path configDir;

    @Test
    void proxyServesPsqlAndPgjdbcAtOnceAsThePerson() throws Exception {
        Process proxy = startProxy(world.tokens.valid(GatewayHarness.ALICE));
        try {
            Announcement announced = readAnnouncement(proxy);
            try (Connection jdbc = DriverManager.getConnection(announced.jdbcUrl())) {
                assertThat(currentUser(jdbc)).isEqualTo(GatewayHarness.ALICE);

                // psql runs while pgjdbc's session is still open: the person has two sessions at once
                Process psql = new ProcessBuilder("psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", announced.libpq(),
                        "-c", "select current_user",
                        "-c", "select count(*) from pg_stat_activity where usename = current_user")
                        .redirectErrorStream(true).start();
                String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(psql.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(psql.exitValue()).as(output).isZero();
                List<String> lines = output.lines().toList();
                assertThat(lines.get(0)).isEqualTo(GatewayHarness.ALICE);
                assertThat(Integer.parseInt(lines.get(1))).as("sessions of %s at once", GatewayHarness.ALICE)
                        .isGreaterThanOrEqualTo(2);

                assertThat(currentUser(jdbc)).as("pgjdbc's session outlives psql's").isEqualTo(GatewayHarness.ALICE);
            }
        } finally {
            proxy.destroy();
            assertThat(proxy.waitFor(20, TimeUnit.SECONDS)).as("the proxy stops on SIGTERM").isTrue();
        }
    }

    /**
     * {@code nais postgres proxy --read-only}: whatever user the client names, every session is the person's
     * read-only role, and turning the read-only transaction default off does not give write back (42501).
     */
    @Test
    void readOnlyProxyServesOnlyReadOnlySessions() throws Exception {
        Process proxy = startProxy(world.tokens.valid(GatewayHarness.ALICE), "--read-only");
        try {
            Announcement announced = readAnnouncement(proxy);
            String plainUser = announced.libpq().replace(GatewayHarness.ALICE + "/ro", GatewayHarness.ALICE);
            String output = psql(plainUser, "\\set VERBOSITY sqlstate", "select current_user",
                    "set default_transaction_read_only = off", "delete from orders");
            assertThat(output).startsWith(GatewayHarness.ALICE + "/ro").contains("ERROR:  42501");
        } finally {
            proxy.destroy();
            assertThat(proxy.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** {@code nais postgres psql --read-only}: the session runs as the read-only role; a write meets 25006. */
    @Test
    void readOnlyPsqlCommandRunsAsTheReadOnlyRole() throws Exception {
        Process psql = nais(world.tokens.valid(GatewayHarness.ALICE), "postgres", "psql", "demo-app", "--team",
                GatewayHarness.TEAM, "--read-only", "--", "-XAt", "-c", "\\set VERBOSITY sqlstate",
                "-c", "select current_user", "-c", "insert into orders (customer_id, amount) values (1, 1)");
        String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(psql.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains(GatewayHarness.ALICE + "/ro").contains("ERROR:  25006");
    }

    private static String psql(String libpq, String... statements) throws Exception {
        List<String> command = new ArrayList<>(List.of("psql", "-XAt", libpq));
        for (String sql : statements) {
            command.addAll(List.of("-c", sql));
        }
        Process psql = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(psql.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    private Process startProxy(String token, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("postgres", "proxy", "demo-app", "--team", GatewayHarness.TEAM,
                "--port", "0"));
        args.addAll(List.of(extra));
        return nais(token, args.toArray(String[]::new));
    }

    /** The CLI in a child JVM, with its gateway and token from the environment. */
    private Process nais(String token, String... args) throws IOException {
        Files.createDirectories(configDir);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Nais.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("NAIS_CONFIG_DIR", configDir.toString());
        env.put("NAIS_TOKEN", token);
        env.put("NAIS_GATEWAY_HOST", "localhost");
        env.put("NAIS_GATEWAY_PORT", Integer.toString(world.port));
        env.put("NAIS_GATEWAY_CA_FILE", world.caFile.toString());
        return builder.start();
    }

    private record Announcement(String libpq, String jdbcUrl) {
    }

    /** What the proxy prints before "Press Ctrl-C": the psql connection string and the JDBC URL to use. */
    private static Announcement readAnnouncement(Process proxy) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
        String libpq = null;
        String jdbc = null;
        List<String> seen = new ArrayList<>();
        for (String line; (line = out.readLine()) != null && !line.startsWith("Press Ctrl-C"); ) {
            seen.add(line);
            String trimmed = line.strip();
            if (trimmed.startsWith("psql \"")) {
                libpq = trimmed.substring("psql \"".length(), trimmed.length() - 1);
            } else if (trimmed.startsWith("jdbc:postgresql://")) {
                jdbc = trimmed;
            }
        }
        assertThat(libpq).as("proxy output: %s", seen).isNotNull();
        assertThat(jdbc).as("proxy output: %s", seen).isNotNull();
        return new Announcement(libpq, jdbc);
    }

    private static String currentUser(Connection jdbc) throws Exception {
        try (Statement statement = jdbc.createStatement(); ResultSet rs = statement.executeQuery("select current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
