package io.nais.pg.backup.run;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.nais.pg.backup.config.ModeSkips;
import io.quarkus.scheduler.Scheduled;

/**
 * Did last night's backups run (docs/operations.md, "Metrics"; alert NaisPgBackupOverdue):
 * <ul>
 *   <li>{@code nais_backup_last_success_timestamp_seconds{cluster}}: when each live cluster's newest stored
 *       backup finished, read from the database (so every replica agrees and a restart loses nothing) every
 *       minute and after each completed backup; a cluster that never had one has no series (BackupOverdue
 *       reports it);</li>
 *   <li>{@code nais_backup_duration_seconds{outcome}} and {@code nais_backup_bytes_total}: the attempts of this
 *       replica, and the encrypted bytes it stored.</li>
 * </ul>
 * The cluster id is the one label: the platform's clusters, a bounded set, never a person.
 */
@ApplicationScoped
public class BackupMeters {

    static final String LAST_SUCCESS = "nais.backup.last.success.timestamp.seconds";
    static final String DURATION = "nais.backup.duration";
    static final String BYTES = "nais.backup.bytes";
    private static final Logger LOG = Logger.getLogger(BackupMeters.class);
    private static final String NEWEST = """
            SELECT c.cluster_id, extract(epoch FROM max(r.finished_at))
              FROM backup_cluster c JOIN backup_run r ON r.cluster_id = c.cluster_id
             WHERE NOT c.removed AND r.state IN ('COMPLETED', 'PRUNED')
             GROUP BY c.cluster_id
            """;

    private final DataSource dataSource;
    private final MultiGauge lastSuccess;
    private final Timer completed;
    private final Timer failed;
    private final Counter bytes;

    BackupMeters(DataSource dataSource, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.lastSuccess = MultiGauge.builder(LAST_SUCCESS)
                .description("when the cluster's newest stored backup finished (Unix seconds)").register(meters);
        this.completed = attempts("completed", meters);
        this.failed = attempts("failed", meters);
        this.bytes = Counter.builder(BYTES).baseUnit("bytes")
                .description("encrypted bytes of completed backups, uploaded by this replica").register(meters);
    }

    void completed(Duration duration, long uploaded) {
        completed.record(duration);
        bytes.increment(uploaded);
        refresh();
    }

    void failed(Duration duration) {
        failed.record(duration);
    }

    /** Reads every live cluster's newest success; a removed cluster's series goes with it. */
    @Scheduled(every = "60s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = ModeSkips.UnlessBackingUp.class)
    void refresh() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(NEWEST);
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rows.add(MultiGauge.Row.of(Tags.of("cluster", rs.getString(1)), rs.getDouble(2)));
            }
        } catch (SQLException e) {
            LOG.warnf("the newest backups could not be read; the gauge keeps its last values: %s", e.getMessage());
            return;
        }
        lastSuccess.register(rows, true);
    }

    private static Timer attempts(String outcome, MeterRegistry meters) {
        return Timer.builder(DURATION).tag("outcome", outcome)
                .serviceLevelObjectives(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(5),
                        Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(3))
                .description("backup attempts of this replica, from the claim to the outcome").register(meters);
    }
}
