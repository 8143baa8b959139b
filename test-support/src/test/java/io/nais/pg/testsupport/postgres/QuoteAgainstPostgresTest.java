package io.nais.pg.testsupport.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.nais.pg.tools.Quote;

/**
 * pg-tools' {@link Quote} through a real server and real {@code psql}: hostile
 * names (quotes of both kinds, backslashes, spaces, {@code =}, SQL, unicode)
 * stay the one name or value they are.
 */
class QuoteAgainstPostgresTest {

    static final List<String> HOSTILE = List.of(
            "it's \"x\"; DROP ROLE postgres; --",
            "back\\slash\\' host=evil",
            "spaced name = value",
            "smørbrød 🐘");

    static PostgresCluster cluster;

    @BeforeAll
    static void start() {
        cluster = PostgresCluster.builder().name("quote").withoutTls().start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void hostileIdentifiersAndLiteralsAreTheExactNameAndValue() throws SQLException {
        try (Connection c = cluster.connect("postgres"); Statement st = c.createStatement()) {
            for (String name : HOSTILE) {
                st.execute("CREATE TABLE " + Quote.qualified("public", name) + " (v text)");
                st.execute("INSERT INTO " + Quote.qualified("public", name) + " VALUES (" + Quote.literal(name) + ")");
                try (ResultSet rs = st.executeQuery("SELECT c.relname, t.v FROM pg_catalog.pg_class c, "
                        + Quote.qualified("public", name) + " t WHERE c.oid = " + Quote.literal("public." + Quote.identifier(name))
                        + "::pg_catalog.regclass")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo(name);
                    assertThat(rs.getString(2)).isEqualTo(name);
                }
            }
        }
    }

    @Test
    void psqlLogsInToTheExactRoleAndDatabaseAConninfoNames() throws Exception {
        for (String name : HOSTILE) {
            cluster.createLoginRole(name, name);
            cluster.createDatabase(name, name);

            String conninfo = "host=" + Quote.conninfoValue(cluster.host()) + " port=" + cluster.port()
                    + " dbname=" + Quote.conninfoValue(name) + " user=" + Quote.conninfoValue(name);
            ProcessBuilder psql = new ProcessBuilder(cluster.binDir().resolve("psql").toString(), "-X", "-A", "-t",
                    "-c", "SELECT current_user, current_database()", "-F", "|", "--dbname=" + conninfo);
            psql.environment().put("PGPASSWORD", name);
            psql.redirectErrorStream(true);
            Process process = psql.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(out).isEqualTo(name + "|" + name);
            assertThat(process.exitValue()).isZero();
        }
    }
}
