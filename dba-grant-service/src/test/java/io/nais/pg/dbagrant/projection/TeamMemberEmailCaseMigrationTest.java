package io.nais.pg.dbagrant.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

import io.nais.pg.testsupport.postgres.PostgresCluster;

/**
 * V3 on a database that V2 filled with emails in mixed case: one row per person
 * remains, the newest fact, lower-cased (what MembershipProjection now expects).
 */
class TeamMemberEmailCaseMigrationTest {

    @Test
    void rowsDifferingOnlyInCaseFoldIntoTheNewestFactLowerCased() throws SQLException {
        try (PostgresCluster pg = PostgresCluster.builder().name("dba-v3").start()) {
            pg.createDatabase("dba", pg.adminUser());
            migrateTo(pg, MigrationVersion.fromVersion("2"));
            pg.execute("dba", """
                    INSERT INTO team_member (team, email, member, event_time) VALUES
                      ('t', 'Ada@x.io', true,  '2026-01-02T00:00:00Z'),
                      ('t', 'ada@x.io', false, '2026-01-01T00:00:00Z'),
                      ('t', 'ADA@X.IO', false, '2026-01-01T12:00:00Z'),
                      ('t', 'Bob@x.io', true,  '2026-01-01T00:00:00Z'),
                      ('u', 'ada@x.io', false, '2026-01-03T00:00:00Z')
                    """);

            migrateTo(pg, MigrationVersion.LATEST);

            assertThat(rows(pg)).containsExactly("t ada@x.io true", "t bob@x.io true", "u ada@x.io false");
        }
    }

    private static void migrateTo(PostgresCluster pg, MigrationVersion target) {
        Flyway.configure()
                .dataSource(pg.jdbcUrl("dba"), pg.adminUser(), pg.adminPassword())
                .locations("classpath:db/migration", "classpath:db/kit")
                .target(target)
                .load()
                .migrate();
    }

    private static List<String> rows(PostgresCluster pg) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = pg.connect("dba"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT team, email, member FROM team_member ORDER BY team, email")) {
            while (r.next()) {
                rows.add(r.getString(1) + " " + r.getString(2) + " " + r.getBoolean(3));
            }
        }
        return rows;
    }
}
