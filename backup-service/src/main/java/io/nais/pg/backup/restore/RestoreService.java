package io.nais.pg.backup.restore;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nais.pg.backup.clusters.BackupTarget;
import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.config.BackupConfig;
import io.nais.pg.backup.config.RunMode;
import io.nais.pg.backup.crypto.AgeIdentities;
import io.nais.pg.backup.dump.Manifest;
import io.nais.pg.backup.run.BackupRecord;
import io.nais.pg.backup.run.BackupRunner;
import io.nais.pg.backup.run.BackupRuns;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.RestoreCompleted;
import io.nais.pg.kit.logging.LogContext;
import io.nais.pg.kit.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The operator's restore: a stored backup of one cluster (whole, or some of
 * its tables) into a new database on that cluster or on another known cluster, owned by that cluster's
 * application role and restored as a login with its rights only (see
 * {@link DatabaseRestorer#restoreIntoCluster}); the database must not exist yet.
 * Each restore is recorded as a RestoreCompleted naming who restored what.
 */
@ApplicationScoped
public class RestoreService {

    private static final Logger LOG = Logger.getLogger(RestoreService.class);
    /** NAMEDATALEN - 1: a longer name is truncated by the server. */
    private static final int MAX_IDENTIFIER_BYTES = 63;

    private final ClusterRegistry clusters;
    private final BackupRuns runs;
    private final BackupReader reader;
    private final DatabaseRestorer restorer;
    private final AgeIdentities identities;
    private final RunMode mode;
    private final Clock clock;
    private final Outbox outbox;

    RestoreService(ClusterRegistry clusters, BackupRuns runs, BackupReader reader, DatabaseRestorer restorer,
                   AgeIdentities identities, Clock clock, BackupConfig config, Outbox outbox) {
        this.clusters = clusters;
        this.runs = runs;
        this.reader = reader;
        this.restorer = restorer;
        this.identities = identities;
        this.mode = config.mode();
        this.clock = clock;
        this.outbox = outbox;
    }

    /**
     * What a restore did; {@code tables} empty for a whole database, {@code
     * referencesNotRestored} the foreign keys of restored tables to tables
     * that were not restored (left out, see {@link TableSelection}).
     */
    public record Outcome(UUID backupId, String targetCluster, String targetDatabase, List<String> tables,
                          int tablesRestored, long rows, boolean matchesManifest, String difference,
                          List<String> referencesNotRestored, Duration duration) {
    }

    /** Thrown for a target database name PostgreSQL would not keep as given. */
    public static final class BadTargetNameException extends IllegalArgumentException {
        BadTargetNameException(String message) {
            super(message);
        }
    }

    /**
     * Restores backup {@code backupId} of {@code clusterId} into the new
     * database {@code targetDatabase} of {@code targetClusterId}: the whole
     * database when {@code tables} is empty, else only those {@code schema.table}s;
     * records who did it ({@code restoredBy}) in a RestoreCompleted.
     */
    public Outcome restore(String clusterId, UUID backupId, String targetClusterId, String targetDatabase,
                           List<String> tables, String restoredBy) throws Exception {
        if (!mode.verifies()) {
            throw new RunMode.NotThisModeException("restores run where the age identity is: nais.backup.mode=verify");
        }
        checkName(targetDatabase);
        try (var log = LogContext.open().cluster(clusterId)) {
            BackupRecord backup = runs.find(backupId).filter(b -> b.clusterId().equals(clusterId))
                    .filter(b -> BackupRecord.COMPLETED.equals(b.state()))
                    .orElseThrow(() -> new NoSuchElementException("no stored backup " + backupId + " of " + clusterId));
            BackupTarget target = clusters.live(targetClusterId)
                    .orElseThrow(() -> new NoSuchElementException("unknown target cluster " + targetClusterId));
            Instant start = clock.instant();
            Manifest manifest = reader.manifest(backup.objectKey());
            DatabaseRestorer.Restored restored = tables.isEmpty()
                    ? restorer.restoreIntoCluster(manifest, identities, target.address(), targetDatabase)
                    : restorer.restoreTablesIntoCluster(manifest, identities, target.address(), targetDatabase, tables);
            Outcome outcome = new Outcome(backupId, targetClusterId, targetDatabase, List.copyOf(tables),
                    restored.tables(), restored.rows(), restored.matchesManifest(), restored.difference(),
                    restored.referencesNotRestored(), Duration.between(start, clock.instant()));
            record(clusterId, outcome, restoredBy);
            LOG.infof("%s restored backup %s of %s into %s/%s: %s, %d tables, %d rows", restoredBy, backupId,
                    clusterId, targetClusterId, targetDatabase, tables.isEmpty() ? "whole database" : tables,
                    restored.tables(), restored.rows());
            return outcome;
        }
    }

    /**
     * The name is quoted wherever it is used ({@code %I}); what is refused here
     * is what PostgreSQL would not keep as given: longer than an identifier
     * (it would be truncated, and the restore would land in another name) or
     * holding a character no identifier may hold.
     */
    private static void checkName(String database) {
        if (database.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
            throw new BadTargetNameException("targetDatabase is longer than " + MAX_IDENTIFIER_BYTES + " bytes");
        }
        if (database.chars().anyMatch(c -> c == 0)) {
            throw new BadTargetNameException("targetDatabase holds a NUL character");
        }
    }

    private void record(String clusterId, Outcome outcome, String restoredBy) {
        RestoreCompleted completed = new RestoreCompleted(outcome.backupId(), clusterId, outcome.targetCluster(),
                outcome.targetDatabase(), restoredBy, outcome.tables(), outcome.rows(), outcome.matchesManifest(),
                outcome.difference().isEmpty() ? null : outcome.difference(), outcome.referencesNotRestored(),
                outcome.duration());
        QuarkusTransaction.requiringNew().run(() -> outbox.publish(Envelope.of(BackupRunner.PRODUCER, completed)));
    }
}
