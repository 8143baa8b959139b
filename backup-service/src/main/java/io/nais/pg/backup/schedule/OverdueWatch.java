package io.nais.pg.backup.schedule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nais.pg.backup.config.BackupConfig;
import io.nais.pg.backup.run.BackupRunner;
import io.nais.pg.events.BackupOverdue;
import io.nais.pg.events.Envelope;
import io.nais.pg.kit.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.nais.pg.backup.config.ModeSkips;
import io.quarkus.scheduler.Scheduled;

/**
 * BackupOverdue for every live cluster whose last successful backup (or, if it
 * never had one, its discovery) is older than {@code overdueAfter} (26 h).
 * Reported once per missed stretch: {@code backup_overdue} remembers which
 * last success was reported; the conditional upsert returns a row to one
 * replica only, so replicas do not report twice.
 */
@ApplicationScoped
public class OverdueWatch {

    private static final Logger LOG = Logger.getLogger(OverdueWatch.class);

    /** Clusters past the limit whose current stretch was not reported yet. */
    private static final String DUE = """
            SELECT c.cluster_id, s.last_success_at,
                   coalesce(s.last_success_at, c.first_seen_at) + make_interval(secs => ?) AS overdue_since
              FROM backup_cluster c
              LEFT JOIN LATERAL (SELECT max(r.finished_at) AS last_success_at FROM backup_run r
                                  WHERE r.cluster_id = c.cluster_id AND r.state IN ('COMPLETED', 'PRUNED')) s ON true
             WHERE NOT c.removed
               AND coalesce(s.last_success_at, c.first_seen_at) < ?
            """;
    /** Records the report; returns a row only if this stretch was not reported before (by any replica). */
    private static final String MARK = """
            INSERT INTO backup_overdue (cluster_id, last_success_at, reported_at) VALUES (?, ?, ?)
            ON CONFLICT (cluster_id) DO UPDATE SET last_success_at = EXCLUDED.last_success_at,
                                                   reported_at = EXCLUDED.reported_at
             WHERE backup_overdue.last_success_at IS DISTINCT FROM EXCLUDED.last_success_at
            RETURNING cluster_id
            """;

    private final DataSource dataSource;
    private final Outbox outbox;
    private final Clock clock;
    private final Duration overdueAfter;

    OverdueWatch(DataSource dataSource, Outbox outbox, Clock clock, BackupConfig config) {
        this.dataSource = dataSource;
        this.outbox = outbox;
        this.clock = clock;
        this.overdueAfter = config.schedule().overdueAfter();
    }

    private record Due(String clusterId, Instant lastSuccessAt, Instant overdueSince) {
    }

    @Scheduled(every = "{nais.backup.schedule.overdue-check-every}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = ModeSkips.UnlessBackingUp.class)
    void onSchedule() {
        check();
    }

    /** Reports every newly overdue cluster; returns how many. */
    public int check() {
        int reported = 0;
        for (Due due : due(clock.instant())) {
            if (report(due)) {
                reported++;
                LOG.warnf("cluster %s has had no successful backup since %s", due.clusterId(),
                        due.lastSuccessAt() == null ? "its discovery" : due.lastSuccessAt());
            }
        }
        return reported;
    }

    private List<Due> due(Instant now) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DUE)) {
            ps.setLong(1, overdueAfter.toSeconds());
            ps.setTimestamp(2, Timestamp.from(now.minus(overdueAfter)));
            List<Due> due = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp last = rs.getTimestamp(2);
                    due.add(new Due(rs.getString(1), last == null ? null : last.toInstant(), rs.getTimestamp(3).toInstant()));
                }
            }
            return due;
        } catch (SQLException e) {
            throw new IllegalStateException("could not look for overdue backups", e);
        }
    }

    private boolean report(Due due) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(MARK)) {
                ps.setString(1, due.clusterId());
                ps.setTimestamp(2, due.lastSuccessAt() == null ? null : Timestamp.from(due.lastSuccessAt()));
                ps.setTimestamp(3, Timestamp.from(clock.instant()));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                }
            }
            outbox.publish(Envelope.of(BackupRunner.PRODUCER,
                    new BackupOverdue(due.clusterId(), due.lastSuccessAt(), due.overdueSince())));
            return true;
        });
    }
}
