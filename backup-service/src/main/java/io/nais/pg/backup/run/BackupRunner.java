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
import io.nais.pg.kit.logging.PhaseTimings;
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
 *
 * <p>A scheduled backup first takes the cluster's claim for the night
 * ({@link NightClaims}), when a slot is free: every replica queues every
 * cluster, and only the one holding the night dumps it. A replica that finds
 * the night held looks again when the holder's lease (the maximum duration)
 * runs out, and takes it over if the night is still not done.
 */
@ApplicationScoped
public class BackupRunner {

    public static final String PRODUCER = "backup-service";
    private static final Logger LOG = Logger.getLogger(BackupRunner.class);
    private static final int MAX_REASON = 1000;
    /** Beyond a held lease's end before looking again: the database's clock decides, ours may lag a little. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(1);

    private final ClusterRegistry clusters;
    private final BackupRuns runs;
    private final NightClaims nights;
    private final BackupPipeline pipeline;
    private final ClusterAdminConnections admin;
    private final Outbox outbox;
    private final Clock clock;
    private final BackupConfig.Schedule settings;
    private final BackupMeters meters;
    private final ExecutorService slots;
    private final ScheduledExecutorService timers;
    private final Map<UUID, AtomicLong> inProgress = new ConcurrentHashMap<>();
    /** This replica as a night claim's holder: a restarted replica is a new holder (its old claims lapse). */
    private final String holder = UUID.randomUUID().toString();

    BackupRunner(ClusterRegistry clusters, BackupRuns runs, NightClaims nights, BackupPipeline pipeline,
                 ClusterAdminConnections admin, Outbox outbox, Clock clock, BackupConfig config, BackupMeters meters) {
        this.meters = meters;
        this.clusters = clusters;
        this.runs = runs;
        this.nights = nights;
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
        slots.submit(() -> attempt(target.clusterId(), backupId, 1, Optional.empty()));
        return backupId;
    }

    /**
     * Scheduled: queues the backup of {@code night} (the cron's scheduled fire
     * time, the same instant on every replica) after {@code delay} (the night's
     * jitter). It runs here only if this replica takes the night's claim.
     */
    public void scheduleAfter(String clusterId, Instant night, Duration delay) {
        inSlotAfter(delay, () -> nightly(clusterId, night, 1));
    }

    /** This replica's name as a night claim's holder. */
    public String holder() {
        return holder;
    }

    /** Encrypted bytes uploaded so far by a running backup of this replica. */
    public Optional<Long> progress(UUID backupId) {
        return Optional.ofNullable(inProgress.get(backupId)).map(AtomicLong::get);
    }

    /** Takes the night's claim, then runs the attempt; a night held elsewhere is looked at again when its lease ends. */
    private void nightly(String clusterId, Instant night, int attempt) {
        try (var log = LogContext.open().cluster(clusterId)) {
            NightClaims.Claim claim = QuarkusTransaction.requiringNew()
                    .call(() -> nights.take(clusterId, night, holder, settings.maxDuration()));
            if (claim instanceof NightClaims.Taken taken) {
                attempt(clusterId, UUID.randomUUID(), attempt, Optional.of(new Night(night, taken.previous())));
            } else if (claim instanceof NightClaims.HeldUntil held) {
                Duration wait = Duration.between(clock.instant(), held.until()).plus(LEASE_MARGIN);
                inSlotAfter(wait.compareTo(LEASE_MARGIN) < 0 ? LEASE_MARGIN : wait, () -> nightly(clusterId, night, attempt));
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "the night of %s could not be claimed", clusterId);
        }
    }

    /** The night a scheduled attempt belongs to, and the attempt of a holder it took over from (or null). */
    private record Night(Instant night, UUID previous) {
    }

    void attempt(String clusterId, UUID backupId, int attempt, Optional<Night> night) {
        try (var log = LogContext.open().cluster(clusterId)) {
            Optional<BackupTarget> target = clusters.live(clusterId);
            if (target.isEmpty()) {
                LOG.infof("cluster %s is gone; backup %s not started", clusterId, backupId);
                return;
            }
            Instant startedAt = clock.instant();
            if (!claim(target.get(), backupId, startedAt, attempt, night)) {
                LOG.infof("a backup of %s is already running; %s skipped", clusterId, backupId);
                night.ifPresent(n -> retryLater(clusterId, attempt, night));
                return;
            }
            try {
                Manifest manifest = dump(target.get(), backupId, startedAt);
                recordCompleted(manifest, Duration.between(startedAt, clock.instant()), night);
            } catch (Exception e) {
                meters.failed(Duration.between(startedAt, clock.instant()));
                recordFailed(clusterId, backupId, e, lastAttempt(attempt) ? night : Optional.empty());
                retryLater(clusterId, attempt, night);
            } finally {
                inProgress.remove(backupId);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "backup %s of %s could not be run", backupId, clusterId);
        }
    }

    private boolean claim(BackupTarget target, UUID backupId, Instant startedAt, int attempt, Optional<Night> night) {
        return QuarkusTransaction.requiringNew().call(() -> {
            night.map(Night::previous).ifPresent(runs::abandonTakenOver);
            if (!runs.claim(backupId, target.clusterId(), startedAt, attempt, settings.maxDuration())) {
                return false;
            }
            night.ifPresent(n -> nights.attach(target.clusterId(), n.night(), holder, backupId));
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

    private void recordCompleted(Manifest manifest, Duration duration, Optional<Night> night) {
        QuarkusTransaction.requiringNew().run(() -> {
            runs.complete(manifest, duration);
            night.ifPresent(n -> nights.finish(manifest.clusterId(), n.night(), holder));
            outbox.publish(Envelope.of(PRODUCER, new BackupCompleted(manifest.backupId(), manifest.clusterId(),
                    manifest.objectKey(), manifest.bytes(), manifest.sha256(), duration, manifest.pgVersion())));
        });
        meters.completed(duration, manifest.bytes());
        LOG.infof("backup %s of %s completed: %d bytes in %d ms", manifest.backupId(), manifest.clusterId(),
                manifest.bytes(), duration.toMillis());
    }

    /** {@code lastOfNight}: the night's last attempt failed, so the night is over (the overdue watch reports it). */
    private void recordFailed(String clusterId, UUID backupId, Exception cause, Optional<Night> lastOfNight) {
        String reason = FailureReason.of(cause, MAX_REASON);
        QuarkusTransaction.requiringNew().run(() -> {
            runs.fail(backupId, reason, clock.instant());
            lastOfNight.ifPresent(n -> nights.finish(clusterId, n.night(), holder));
            outbox.publish(Envelope.of(PRODUCER, new BackupFailed(backupId, clusterId, reason)));
        });
        LOG.warnf("backup %s of %s failed: %s", backupId, clusterId, reason);
    }

    private boolean lastAttempt(int attempt) {
        return attempt >= settings.maxAttempts();
    }

    /** A scheduled retry takes the night again (as its holder, which renews the lease). */
    private void retryLater(String clusterId, int attempt, Optional<Night> night) {
        if (lastAttempt(attempt)) {
            return;
        }
        Duration backoff = settings.retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 10));
        if (night.isPresent()) {
            Instant of = night.get().night();
            inSlotAfter(backoff, () -> nightly(clusterId, of, attempt + 1));
        } else {
            inSlotAfter(backoff, () -> attempt(clusterId, UUID.randomUUID(), attempt + 1, Optional.empty()));
        }
    }

    private void inSlotAfter(Duration delay, Runnable work) {
        timers.schedule(() -> slots.submit(work), delay.toMillis(), TimeUnit.MILLISECONDS);
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
