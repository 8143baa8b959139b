package io.nais.pg.backup.verify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.nais.pg.backup.clusters.BackupTarget;
import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.config.BackupConfig;
import io.nais.pg.backup.config.ModeSkips;
import io.nais.pg.backup.config.RunMode;
import io.nais.pg.backup.crypto.AgeIdentities;
import io.nais.pg.backup.dump.Manifest;
import io.nais.pg.backup.restore.BackupReader;
import io.nais.pg.backup.restore.DatabaseRestorer;
import io.nais.pg.backup.run.BackupRecord;
import io.nais.pg.backup.run.BackupRunner;
import io.nais.pg.backup.run.BackupRuns;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.RestoreVerified;
import io.nais.pg.kit.clusters.ClusterAdminConnections.ClusterAddress;
import io.nais.pg.kit.logging.LogContext;
import io.nais.pg.kit.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * The restore test nobody else schedules: the newest backup of each cluster
 * is fetched, its SHA-256 checked, decrypted, pg_restored into a scratch
 * database on the scratch server (never a team's cluster), and what it holds
 * compared with what was recorded at dump time: per table its rows, a checksum
 * of their content and its indexes, and each sequence (a version 1 manifest:
 * rows only). Every outcome, good or
 * bad, is a RestoreVerified with the figures; a bad one says why in {@code detail}.
 */
@ApplicationScoped
public class RestoreVerifier {

    private static final Logger LOG = Logger.getLogger(RestoreVerifier.class);
    /** {@code nais_restore_verifications_total{result="passed"|"failed"}}. */
    static final String VERIFICATIONS = "nais.restore.verifications";

    private final ClusterRegistry clusters;
    private final BackupRuns runs;
    private final BackupReader reader;
    private final DatabaseRestorer restorer;
    private final AgeIdentities identities;
    private final RunMode mode;
    private final Outbox outbox;
    private final Clock clock;
    private final BackupConfig.Verification settings;
    private final MeterRegistry meters;

    RestoreVerifier(ClusterRegistry clusters, BackupRuns runs, BackupReader reader, DatabaseRestorer restorer,
                    AgeIdentities identities, Outbox outbox, Clock clock, BackupConfig config, MeterRegistry meters) {
        this.clusters = clusters;
        this.runs = runs;
        this.reader = reader;
        this.restorer = restorer;
        this.identities = identities;
        this.mode = config.mode();
        this.outbox = outbox;
        this.clock = clock;
        this.settings = config.verification();
        this.meters = meters;
    }

    @Scheduled(cron = "{nais.backup.verification.cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = ModeSkips.UnlessVerifying.class)
    void onSchedule() {
        for (BackupTarget target : clusters.allLive()) {
            try {
                verifyNewest(target.clusterId());
            } catch (RuntimeException e) {
                LOG.warnf(e, "verification of %s could not run", target.clusterId());
            }
        }
    }

    /**
     * Verifies the cluster's newest stored backup, if it has one. Only the verify side holds the identity;
     * the backup side refuses rather than record a failed verification it could never have passed.
     */
    public Optional<RestoreVerified> verifyNewest(String clusterId) {
        if (!mode.verifies()) {
            throw new RunMode.NotThisModeException("restore verification runs where the age identity is: "
                    + "nais.backup.mode=verify");
        }
        return runs.newestCompleted(clusterId).map(backup -> verify(backup, identities));
    }

    /** Verifies one backup with the given identities and records the outcome. */
    public RestoreVerified verify(BackupRecord backup, AgeIdentities identities) {
        try (var log = LogContext.open().cluster(backup.clusterId())) {
            Instant start = clock.instant();
            RestoreVerified verdict = check(backup, identities, start);
            QuarkusTransaction.requiringNew().run(() -> {
                runs.recordVerification(backup.backupId(), verdict.ok(), verdict.detail(), clock.instant());
                outbox.publish(Envelope.of(BackupRunner.PRODUCER, verdict));
            });
            // alert NaisPgRestoreVerificationFailed (deploy/base/alerts.yaml)
            meters.counter(VERIFICATIONS, "result", verdict.ok() ? "passed" : "failed").increment();
            LOG.infof("restore verification of %s: ok=%s tables=%d rows=%d%s", backup.backupId(), verdict.ok(),
                    verdict.tables(), verdict.rows(), verdict.detail() == null ? "" : " (" + verdict.detail() + ")");
            return verdict;
        }
    }

    private RestoreVerified check(BackupRecord backup, AgeIdentities identities, Instant start) {
        ClusterAddress scratch = scratchServer();
        int tables = 0;
        long rows = 0;
        String detail;
        boolean ok;
        try {
            Manifest manifest = reader.manifest(backup.objectKey());
            DatabaseRestorer.Restored restored = restorer.verifyOnScratch(manifest, identities, scratch);
            tables = restored.tables();
            rows = restored.rows();
            ok = restored.matchesManifest();
            detail = ok ? null : "restore differs from the backup: " + restored.difference();
        } catch (Exception e) {
            ok = false;
            detail = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        return new RestoreVerified(backup.backupId(), backup.clusterId(), ok, tables, rows,
                Duration.between(start, clock.instant()), detail);
    }

    private ClusterAddress scratchServer() {
        return new ClusterAddress(
                settings.scratchHost().orElseThrow(() -> new IllegalStateException("nais.backup.verification.scratch-host is not set")),
                settings.scratchPort(), settings.scratchDatabase(),
                settings.scratchAdminSecretRef().orElseThrow(() -> new IllegalStateException(
                        "nais.backup.verification.scratch-admin-secret-ref is not set")));
    }
}
