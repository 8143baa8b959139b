package io.nais.pg.backup.retention;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nais.pg.backup.clusters.BackupTarget;
import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.config.BackupConfig;
import io.nais.pg.backup.dump.ObjectKeys;
import io.nais.pg.backup.run.BackupRecord;
import io.nais.pg.backup.run.BackupRunner;
import io.nais.pg.backup.run.BackupRuns;
import io.nais.pg.backup.storage.ObjectStore;
import io.nais.pg.events.BackupPruned;
import io.nais.pg.events.Envelope;
import io.nais.pg.kit.logging.LogContext;
import io.nais.pg.kit.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.nais.pg.backup.config.ModeSkips;
import io.quarkus.scheduler.Scheduled;

/**
 * Applies the {@link RetentionPolicy} to every cluster's stored backups. The
 * manifest goes first, so a half-pruned backup never looks complete; then the
 * dump; then the row is marked PRUNED with BackupPruned in one transaction.
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final ClusterRegistry clusters;
    private final BackupRuns runs;
    private final ObjectStore store;
    private final Outbox outbox;
    private final RetentionPolicy policy;

    RetentionJob(ClusterRegistry clusters, BackupRuns runs, ObjectStore store, Outbox outbox, BackupConfig config) {
        this.clusters = clusters;
        this.runs = runs;
        this.store = store;
        this.outbox = outbox;
        BackupConfig.Retention retention = config.retention();
        this.policy = new RetentionPolicy(retention.daily(), retention.weekly(), retention.monthly());
    }

    @Scheduled(cron = "{nais.backup.retention.cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = ModeSkips.UnlessBackingUp.class)
    void onSchedule() {
        for (BackupTarget target : clusters.allLive()) {
            try {
                prune(target.clusterId());
            } catch (RuntimeException e) {
                LOG.warnf(e, "retention of %s failed; next run tries again", target.clusterId());
            }
        }
    }

    /** Prunes what the policy does not keep; returns the pruned backups. */
    public List<BackupRecord> prune(String clusterId) {
        try (var log = LogContext.open().cluster(clusterId)) {
            List<BackupRecord> stored = runs.completed(clusterId);
            List<RetentionPolicy.Stored> doomed = policy.toPrune(stored.stream()
                    .map(r -> new RetentionPolicy.Stored(r.backupId(), r.finishedAt())).toList());
            List<BackupRecord> pruned = stored.stream()
                    .filter(r -> doomed.stream().anyMatch(d -> d.backupId().equals(r.backupId()))).toList();
            pruned.forEach(this::delete);
            return pruned;
        }
    }

    private void delete(BackupRecord backup) {
        store.delete(ObjectKeys.manifestKey(backup.objectKey()));
        store.delete(backup.objectKey());
        QuarkusTransaction.requiringNew().run(() -> {
            runs.markPruned(backup.backupId());
            outbox.publish(Envelope.of(BackupRunner.PRODUCER,
                    new BackupPruned(backup.backupId(), backup.clusterId(), backup.objectKey())));
        });
        LOG.infof("pruned backup %s (%s)", backup.backupId(), backup.objectKey());
    }
}
