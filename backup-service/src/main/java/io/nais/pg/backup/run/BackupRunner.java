package io.nais.pg.backup.run;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nais.pg.backup.clusters.BackupTarget;
import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.config.BackupConfig;
import io.nais.pg.backup.dump.BackupPipeline;
import io.nais.pg.backup.dump.Manifest;
import io.nais.pg.backup.dump.PhaseTimings;
import io.nais.pg.events.BackupCompleted;
import io.nais.pg.events.BackupFailed;
import io.nais.pg.events.BackupStarted;
import io.nais.pg.events.Envelope;
import io.nais.pg.kit.clusters.ClusterAdminConnections;
import io.nais.pg.kit.clusters.LibpqAdminLogin;
import io.nais.pg.kit.logging.LogContext;
import io.nais.pg.kit.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Runs backups: at most {@code maxConcurrent} at once on this replica, the
 * rest wait in line. One attempt is: claim the cluster (one RUNNING run per
 * cluster across replicas) and emit BackupStarted; stream the dump; record
 * the outcome and emit BackupCompleted or BackupFailed, each in one
 * transaction with its outbox row. A failed attempt is retried with doubling
 * backoff, as a new backup id, up to {@code maxAttempts}.
 */
@ApplicationScoped
public class BackupRunner {

    public static final String PRODUCER = "backup-service";
    private static final Logger LOG = Logger.getLogger(BackupRunner.class);
    private static final int MAX_REASON = 1000;

    private final ClusterRegistry clusters;
    private final BackupRuns runs;
    private final BackupPipeline pipeline;
    private final ClusterAdminConnections admin;
    private final Outbox outbox;
    private final Clock clock;
    private final BackupConfig.Schedule settings;
    private final ExecutorService slots;
    private final ScheduledExecutorService timers;
    private final Map<UUID, AtomicLong> inProgress = new ConcurrentHashMap<>();

    BackupRunner(ClusterRegistry clusters, BackupRuns runs, BackupPipeline pipeline, ClusterAdminConnections admin,
                 Outbox outbox, Clock clock, BackupConfig config) {
        this.clusters = clusters;
        this.runs = runs;
        this.pipeline = pipeline;
        this.admin = admin;
        this.outbox = outbox;
        this.clock = clock;
        this.settings = config.schedule();
        this.slots = Executors.newFixedThreadPool(settings.maxConcurrent(), named("backup-slot"));
        this.timers = Executors.newSingleThreadScheduledExecutor(named("backup-timer"));
    }

    /** Thrown when a cluster already has a backup in progress. */
    public static final class AlreadyRunningException extends RuntimeException {
        AlreadyRunningException(String clusterId) {
            super("a backup of " + clusterId + " is already running");
        }
    }

    /** On demand: queues a backup now and returns its id. */
    public UUID request(BackupTarget target) {
        if (runs.running(target.clusterId())) {
            throw new AlreadyRunningException(target.clusterId());
        }
        UUID backupId = UUID.randomUUID();
        slots.submit(() -> attempt(target.clusterId(), backupId, 1));
        return backupId;
    }

    /** Scheduled: queues a backup after {@code delay} (the night's jitter). */
    public void scheduleAfter(String clusterId, Duration delay) {
        timers.schedule(() -> slots.submit(() -> attempt(clusterId, UUID.randomUUID(), 1)),
                delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Encrypted bytes uploaded so far by a running backup of this replica. */
    public Optional<Long> progress(UUID backupId) {
        return Optional.ofNullable(inProgress.get(backupId)).map(AtomicLong::get);
    }

    void attempt(String clusterId, UUID backupId, int attempt) {
        try (var log = LogContext.open().cluster(clusterId)) {
            Optional<BackupTarget> target = clusters.live(clusterId);
            if (target.isEmpty()) {
                LOG.infof("cluster %s is gone; backup %s not started", clusterId, backupId);
                return;
            }
            Instant startedAt = clock.instant();
            if (!claim(target.get(), backupId, startedAt, attempt)) {
                LOG.infof("a backup of %s is already running; %s skipped", clusterId, backupId);
                return;
            }
            try {
                Manifest manifest = dump(target.get(), backupId, startedAt);
                recordCompleted(manifest, Duration.between(startedAt, clock.instant()));
            } catch (Exception e) {
                recordFailed(clusterId, backupId, e);
                retryLater(clusterId, attempt);
            } finally {
                inProgress.remove(backupId);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "backup %s of %s could not be run", backupId, clusterId);
        }
    }

    private boolean claim(BackupTarget target, UUID backupId, Instant startedAt, int attempt) {
        return QuarkusTransaction.requiringNew().call(() -> {
            if (!runs.claim(backupId, target.clusterId(), startedAt, attempt, settings.maxDuration())) {
                return false;
            }
            outbox.publish(Envelope.of(PRODUCER, new BackupStarted(backupId, target.clusterId(), startedAt)));
            return true;
        });
    }

    private Manifest dump(BackupTarget target, UUID backupId, Instant startedAt) throws Exception {
        AtomicLong progress = new AtomicLong();
        inProgress.put(backupId, progress);
        LOG.infof("backup %s of %s started", backupId, target.clusterId());
        LibpqAdminLogin login = admin.libpq(target.address());
        PhaseTimings timings = new PhaseTimings();
        Connection connection;
        try (var phase = timings.start("connect")) {
            connection = admin.open(target.address());
        }
        try (connection) {
            return pipeline.run(backupId, startedAt,
                    new BackupPipeline.Source(target.clusterId(), login), connection, progress,
                    timings);
        } finally {
            LOG.infof("backup %s of %s phases: %s", backupId, target.clusterId(), timings);
        }
    }

    private void recordCompleted(Manifest manifest, Duration duration) {
        QuarkusTransaction.requiringNew().run(() -> {
            runs.complete(manifest, duration);
            outbox.publish(Envelope.of(PRODUCER, new BackupCompleted(manifest.backupId(), manifest.clusterId(),
                    manifest.objectKey(), manifest.bytes(), manifest.sha256(), duration, manifest.pgVersion())));
        });
        LOG.infof("backup %s of %s completed: %d bytes in %d ms", manifest.backupId(), manifest.clusterId(),
                manifest.bytes(), duration.toMillis());
    }

    private void recordFailed(String clusterId, UUID backupId, Exception cause) {
        String reason = FailureReason.of(cause, MAX_REASON);
        QuarkusTransaction.requiringNew().run(() -> {
            runs.fail(backupId, reason, clock.instant());
            outbox.publish(Envelope.of(PRODUCER, new BackupFailed(backupId, clusterId, reason)));
        });
        LOG.warnf("backup %s of %s failed: %s", backupId, clusterId, reason);
    }

    private void retryLater(String clusterId, int attempt) {
        if (attempt >= settings.maxAttempts()) {
            return;
        }
        Duration backoff = settings.retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 10));
        timers.schedule(() -> slots.submit(() -> attempt(clusterId, UUID.randomUUID(), attempt + 1)),
                backoff.toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timers.shutdownNow();
        slots.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
