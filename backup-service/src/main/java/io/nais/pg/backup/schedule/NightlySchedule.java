package io.nais.pg.backup.schedule;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nais.pg.backup.clusters.BackupTarget;
import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.config.BackupConfig;
import io.nais.pg.backup.run.BackupRunner;
import io.quarkus.scheduler.Scheduled;

/**
 * The nightly run: when the cron fires, every known cluster is queued with a
 * random delay in [0, jitter), so 2,000 clusters do not hit their databases
 * and the store in the same second; the runner's slots bound how many dump at once.
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

    @Scheduled(cron = "{nais.backup.schedule.cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tonight() {
        var targets = clusters.allLive();
        for (BackupTarget target : targets) {
            runner.scheduleAfter(target.clusterId(), randomDelay(jitter));
        }
        LOG.infof("nightly backups queued for %d cluster(s) over %s", targets.size(), jitter);
    }

    static Duration randomDelay(Duration jitter) {
        long millis = jitter.toMillis();
        return millis <= 0 ? Duration.ZERO : Duration.ofMillis(ThreadLocalRandom.current().nextLong(millis));
    }
}
