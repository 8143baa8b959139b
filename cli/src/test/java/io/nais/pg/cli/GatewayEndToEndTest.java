package io.nais.pg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.cli.testing.NaisProcess;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The CLI against the real gateway of a running local platform
 * ({@code bin/local-platform up} writes the config directory). Runs only when
 * {@code NAIS_E2E_CONFIG_DIR} names that directory, with a login in it or
 * {@code NAIS_TOKEN} set for a member of the app's team:
 *
 * <pre>NAIS_E2E_CONFIG_DIR=~/.config/nais NAIS_E2E_APP=demo-app ./mvnw -pl cli test -Dtest=GatewayEndToEndTest</pre>
 */
@EnabledIfEnvironmentVariable(named = "NAIS_E2E_CONFIG_DIR", matches = ".+")
class GatewayEndToEndTest {

    static final String APP = System.getenv().getOrDefault("NAIS_E2E_APP", "demo-app");

    static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("NAIS_CONFIG_DIR", System.getenv("NAIS_E2E_CONFIG_DIR"));
        if (System.getenv("NAIS_TOKEN") != null) {
            env.put("NAIS_TOKEN", System.getenv("NAIS_TOKEN"));
        }
        return env;
    }

    static String me() throws Exception {
        NaisProcess.Result status = NaisProcess.run(environment(), "auth", "status");
        Matcher who = Pattern.compile("Logged in as (\\S+)").matcher(status.out());
        assertThat(who.find()).as(status.err()).isTrue();
        return who.group(1);
    }

    @Test
    void psqlCommandIsThePersonAndCannotChangeTheSchema() throws Exception {
        NaisProcess.Result who = NaisProcess.run(environment(), "postgres", "psql", APP, "--", "-X", "-A", "-t", "-c", "select current_user");
        NaisProcess.Result ddl = NaisProcess.run(environment(), "postgres", "psql", APP, "--", "-X", "-c", "create table nais_e2e_ddl (id int)");

        assertThat(who.exitCode()).as(who.err()).isZero();
        assertThat(who.out().strip()).isEqualTo(me());
        assertThat(ddl.exitCode()).isEqualTo(1);
        assertThat(ddl.err()).contains("permission denied");
    }

    @Test
    void proxyServesPsqlAndPgjdbcAtOnce() throws Exception {
        Process proxy = NaisProcess.start(environment(), "postgres", "proxy", APP, "--port", "0");
        try {
            List<String> printed = NaisProcess.readUntil(proxy, "Press Ctrl-C");
            String psqlLine = printed.stream().filter(line -> line.contains("psql \"")).findFirst().orElseThrow();
            Matcher port = Pattern.compile("port=(\\d+)").matcher(psqlLine);
            assertThat(port.find()).isTrue();
            Properties properties = new Properties();
            properties.setProperty("user", me());
            properties.setProperty("sslmode", "disable");
            try (Connection jdbc = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port.group(1) + "/" + APP, properties)) {
                Process psql = new ProcessBuilder("psql", "-X", "-A", "-t",
                        psqlLine.substring(psqlLine.indexOf('"') + 1, psqlLine.lastIndexOf('"')), "-c", "select current_user").start();
                try (Statement statement = jdbc.createStatement(); ResultSet rs = statement.executeQuery("select current_user")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo(me());
                }
                assertThat(new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo(me());
                assertThat(psql.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            proxy.destroy();
            proxy.waitFor(15, TimeUnit.SECONDS);
        }
    }
}
