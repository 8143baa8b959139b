package io.nais.pg.backup.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nais.pg.backup.clusters.BackupTarget;
import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.config.BackupConfig;
import io.nais.pg.backup.run.BackupRunner;
import io.nais.pg.backup.config.ModeSkips;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * The nightly run: when the cron fires, every known cluster is queued with a
 * random delay in [0, jitter), so 2,000 clusters do not hit their databases
 * and the store in the same second; the runner's slots bound how many dump at once.
 *
 * <p>Every replica's cron fires and queues every cluster. The night is named
 * by the cron's scheduled fire time, which is the same instant on every
 * replica (they share the cron), so the runner's per-night claim lets exactly
 * one of them dump each cluster.
 */
@ApplicationScoped
public class NightlySchedule {

    private static final Logger LOG = Logger.getLogger(NightlySchedule.class);

    private final ClusterRegistry clusters;
    private final BackupRunner runner;
    private final Duration jitter;

    NightlySchedule(ClusterRegistry clusters, BackupRunner runner, BackupConfig config) {
        this.clusters = clusters;
        this.runner = runner;
        this.jitter = config.schedule().jitter();
    }

    @Scheduled(cron = "{nais.backup.schedule.cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = ModeSkips.UnlessBackingUp.class)
    void tonight(ScheduledExecution execution) {
        queue(execution.getScheduledFireTime());
    }

    /** Queues every live cluster's backup of {@code night}, each after its own random delay. */
    void queue(Instant night) {
        var targets = clusters.allLive();
        for (BackupTarget target : targets) {
            runner.scheduleAfter(target.clusterId(), night, randomDelay(jitter));
        }
        LOG.infof("nightly backups of %s queued for %d cluster(s) over %s", night, targets.size(), jitter);
    }

    static Duration randomDelay(Duration jitter) {
        long millis = jitter.toMillis();
        return millis <= 0 ? Duration.ZERO : Duration.ofMillis(ThreadLocalRandom.current().nextLong(millis));
    }
}
