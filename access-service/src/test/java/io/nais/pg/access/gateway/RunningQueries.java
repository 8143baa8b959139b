package io.nais.pg.access.gateway;

import io.nais.pg.testsupport.postgres.PostgresCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * A positive barrier for tests that end a session mid-query: the person's query is
 * active on the cluster itself, so what ends the session ends a running query (no
 * sleep that merely hopes it started).
 */
final class RunningQueries {

    private RunningQueries() {
    }

    /** Waits until {@code role} has a {@code select pg_sleep(...)} active on {@code cluster}. */
    static void awaitSleepRunning(PostgresCluster cluster, String role, Duration atMost) {
        Awaitility.await().atMost(atMost).until(() -> {
            try (Connection admin = cluster.connect("postgres");
                 PreparedStatement active = admin.prepareStatement("select count(*) from pg_stat_activity"
                         + " where usename = ? and state = 'active' and query like 'select pg_sleep%'")) {
                active.setString(1, role);
                try (ResultSet rs = active.executeQuery()) {
                    return rs.next() && rs.getInt(1) == 1;
                }
            }
        });
    }
}
