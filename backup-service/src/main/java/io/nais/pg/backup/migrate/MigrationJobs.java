package io.nais.pg.backup.migrate;

import java.io.PrintWriter;
import java.io.Writer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.nais.pg.backup.clusters.BackupTarget;
import io.nais.pg.backup.config.BackupConfig;
import io.nais.pg.backup.config.RunMode;
import io.nais.pg.backup.postgres.PgTools;
import io.nais.pg.backup.run.BackupRunner;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.kit.clusters.AdminCredentials;
import io.nais.pg.kit.clusters.ClusterAdminConnections;
import io.nais.pg.kit.logging.LogContext;
import io.nais.pg.kit.outbox.Outbox;
import io.nais.pg.migration.Migration;
import io.nais.pg.migration.MigrationException;
import io.nais.pg.migration.MigrationRequest;
import io.nais.pg.migration.connect.Endpoint;
import io.nais.pg.migration.plan.Mode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

/**
 * Runs {@code nais postgres migrate} here, next to the clusters: the migration
 * module's own {@link Migration} (plan, one streamed pg_dump | pg_restore as a
 * throwaway login of the app's role, per-table verification), into the app's
 * cluster as its admin, from the source the person named.
 *
 * <p>The source's URL and password live only in the task that runs the
 * migration: not in {@link RunningMigration}, not in {@code migration_job},
 * not in MigrationCompleted/MigrationFailed (which the outbox sends), not in a
 * log line. When the task ends they go with it. A restart therefore cannot
 * resume a migration: the next start marks what was running as failed, with
 * the reason, and the person runs the command again (the restore is one
 * transaction, so the target is as it was unless verification had begun).
 */
@ApplicationScoped
public class MigrationJobs {

    private static final Logger LOG = Logger.getLogger(MigrationJobs.class);
    /** Dump mode has no catch-up to wait for; the request needs a value. */
    private static final Duration NO_CATCH_UP = Duration.ZERO;
    static final String RESTARTED = "backup-service restarted while the migration ran; the source's credentials were held"
            + " in memory only, so it was not resumed. The restore is one transaction: run nais postgres migrate again"
            + " (with --force if the report said verification had begun)";

    private final MigrationJobRows rows;
    private final ClusterAdminConnections admin;
    private final io.nais.pg.migration.dump.PgTools tools;
    private final Outbox outbox;
    private final RunMode mode;
    private final Clock clock;
    private final int maxConcurrent;
    private final Map<UUID, RunningMigration> running = new ConcurrentHashMap<>();
    private final ExecutorService executor;

    MigrationJobs(MigrationJobRows rows, ClusterAdminConnections admin, PgTools backupTools, Outbox outbox, Clock clock,
                  BackupConfig config) {
        this.rows = rows;
        this.admin = admin;
        // the same installation backup-service dumps with, handed to the migration module as its NAIS_PG_BIN
        String binDir = backupTools.binDir().toString();
        this.tools = io.nais.pg.migration.dump.PgTools.locate(name -> "NAIS_PG_BIN".equals(name) ? binDir : null);
        this.outbox = outbox;
        this.mode = config.mode();
        this.clock = clock;
        this.maxConcurrent = config.migration().maxConcurrent();
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(maxConcurrent,
                task -> new Thread(task, "migration-" + threads.incrementAndGet()));
    }

    /** More migrations are running than this process runs at once (HTTP 429). */
    public static final class BusyException extends RuntimeException {
        BusyException(int limit) {
            super(limit + " migrations are running here already; try again when one has finished");
        }
    }

    /**
     * A migration into the same cluster is running (HTTP 409): two restores into one database would race,
     * and with {@code force} one would drop what the other restored.
     */
    public static final class AlreadyRunningException extends RuntimeException {
        AlreadyRunningException(String clusterId, UUID running) {
            super("migration " + running + " into " + clusterId + " is running; follow it, or wait until it has finished");
        }
    }

    /** What the person asked for besides the source: the same switches as the in-process run. */
    public record Options(boolean dryRun, boolean force, String applicationRole) {
    }

    /**
     * Starts a dump-mode migration from {@code source} into {@code target}'s database; returns its id at once.
     * {@code source} is held by the task only.
     */
    public synchronized UUID start(BackupTarget target, Endpoint source, Options options, String requestedBy) {
        for (RunningMigration other : running.values()) {
            if (other.clusterId().equals(target.clusterId())) {
                throw new AlreadyRunningException(target.clusterId(), other.migrationId());
            }
        }
        if (running.size() >= maxConcurrent) {
            throw new BusyException(maxConcurrent);
        }
        RunningMigration job = new RunningMigration(UUID.randomUUID(), target.clusterId(), target.team(), requestedBy,
                clock.instant());
        rows.insert(job);
        running.put(job.migrationId(), job);
        executor.execute(() -> run(job, target, source, options));
        return job.migrationId();
    }

    /** The team whose migration this is, to decide who may follow it. */
    public Optional<String> team(UUID migrationId) {
        RunningMigration job = running.get(migrationId);
        return job != null ? Optional.of(job.team()) : rows.team(migrationId);
    }

    /** Running: its progress from memory; finished: its stored outcome. */
    public Optional<MigrationStatus> status(UUID migrationId) {
        RunningMigration job = running.get(migrationId);
        return job != null ? Optional.of(job.running()) : rows.outcome(migrationId);
    }

    private void run(RunningMigration job, BackupTarget target, Endpoint source, Options options) {
        try (var log = LogContext.open().team(job.team()).cluster(job.clusterId())) {
            LOG.infof("migration %s into %s for %s started", job.migrationId(), job.clusterId(), job.requestedBy());
            MigrationStatus outcome = migrate(job, target, source, options);
            rows.finish(outcome);
            LOG.infof("migration %s into %s %s%s", job.migrationId(), job.clusterId(), outcome.state(),
                    outcome.failure() == null ? "" : " (" + outcome.failure() + ")");
        } finally {
            running.remove(job.migrationId());
        }
    }

    private MigrationStatus migrate(RunningMigration job, BackupTarget target, Endpoint source, Options options) {
        try {
            MigrationRequest request = new MigrationRequest(job.clusterId(), source, targetAdmin(target), Mode.DUMP,
                    options.dryRun(), false, options.force(), options.applicationRole(), NO_CATCH_UP);
            // err carries the in-process run's once-a-second progress lines: the status answers that here
            Migration.Outcome outcome = new Migration(job.migrationId(), request, tools, this::emit, job, job.out(),
                    new PrintWriter(Writer.nullWriter())).run();
            return job.finished(MigrationStatus.COMPLETED, clock.instant(), null, null,
                    outcome.verification() == null ? null : MigrationStatus.Report.of(outcome.verification()));
        } catch (MigrationException e) {
            // its message names the source through Endpoint.masked() only
            return job.finished(MigrationStatus.FAILED, clock.instant(), e.failure().name(), e.getMessage(), null);
        } catch (RuntimeException e) {
            LOG.errorf("migration %s stopped by %s", job.migrationId(), e.getClass().getName());
            return job.finished(MigrationStatus.FAILED, clock.instant(), MigrationException.Failure.COPY_FAILED.name(),
                    "the migration stopped unexpectedly (" + e.getClass().getSimpleName() + ")", null);
        }
    }

    /** The app's cluster as its admin, the server verified against the cluster's CA (the migration insists). */
    private Endpoint targetAdmin(BackupTarget target) {
        AdminCredentials credentials = admin.credentials(target.adminSecretRef());
        if (credentials.sslRootCert() == null) {
            throw new MigrationException(MigrationException.Failure.UNREACHABLE, "plan", "no CA to verify cluster "
                    + target.clusterId() + " with (nais.kit.cluster-admin.ssl-root-cert)");
        }
        return new Endpoint(target.host(), target.port(), target.database(), credentials.username(), credentials.password(),
                Endpoint.VERIFY_FULL, credentials.sslRootCert().toString());
    }

    /**
     * MigrationCompleted/MigrationFailed through the outbox, each in its own transaction; false (never an
     * exception, as the migration module's contract says) when it could not be queued.
     */
    private boolean emit(PlatformEvent event) {
        try {
            QuarkusTransaction.requiringNew().run(() -> outbox.publish(Envelope.of(BackupRunner.PRODUCER, event)));
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("could not queue %s: %s", event.getClass().getSimpleName(), e.getClass().getName());
            return false;
        }
    }

    /** Migrations a previous process never finished end as failed, with the reason, instead of RUNNING forever. */
    void failInterrupted(@Observes StartupEvent started) {
        if (!mode.verifies()) {
            return; // the backup side shares the database and runs no migrations: the running ones are the verifier's
        }
        for (RunningMigration job : rows.runningOnes()) {
            rows.finish(job.finished(MigrationStatus.FAILED, clock.instant(),
                    MigrationException.Failure.COPY_FAILED.name(), RESTARTED, null));
            LOG.warnf("migration %s into %s was running when the service stopped: marked failed", job.migrationId(),
                    job.clusterId());
        }
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow(); // a running pg_dump | pg_restore is stopped; its restore rolls back
    }
}
