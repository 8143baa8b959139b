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

    private Process startProxy(String token) throws IOException {
        Files.createDirectories(configDir);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Nais.class.getName(),
                "postgres", "proxy", "demo-app", "--team", GatewayHarness.TEAM, "--port", "0"));
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
