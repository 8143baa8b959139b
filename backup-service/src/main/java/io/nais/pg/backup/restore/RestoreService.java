package io.nais.pg.backup.restore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import io.nais.pg.backup.run.BackupRuns;
import io.nais.pg.kit.logging.LogContext;

/**
 * The operator's restore: a stored backup of one cluster into a new database
 * on that cluster or on another known cluster, owned by that cluster's
 * application role and restored as a login with its rights only (see
 * {@link DatabaseRestorer#restoreIntoCluster}); the database must not exist yet.
 */
@ApplicationScoped
public class RestoreService {

    private static final Logger LOG = Logger.getLogger(RestoreService.class);

    private final ClusterRegistry clusters;
    private final BackupRuns runs;
    private final BackupReader reader;
    private final DatabaseRestorer restorer;
    private final AgeIdentities identities;
    private final RunMode mode;
    private final Clock clock;

    RestoreService(ClusterRegistry clusters, BackupRuns runs, BackupReader reader, DatabaseRestorer restorer,
                   AgeIdentities identities, Clock clock, BackupConfig config) {
        this.clusters = clusters;
        this.runs = runs;
        this.reader = reader;
        this.restorer = restorer;
        this.identities = identities;
        this.mode = config.mode();
        this.clock = clock;
    }

    public record Outcome(UUID backupId, String targetCluster, String targetDatabase, int tables, long rows,
                          boolean matchesManifest, String difference, Duration duration) {
    }

    public Outcome restore(String clusterId, UUID backupId, String targetClusterId, String targetDatabase) throws Exception {
        if (!mode.verifies()) {
            throw new RunMode.NotThisModeException("restores run where the age identity is: nais.backup.mode=verify");
        }
        try (var log = LogContext.open().cluster(clusterId)) {
            BackupRecord backup = runs.find(backupId).filter(b -> b.clusterId().equals(clusterId))
                    .filter(b -> BackupRecord.COMPLETED.equals(b.state()))
                    .orElseThrow(() -> new NoSuchElementException("no stored backup " + backupId + " of " + clusterId));
            BackupTarget target = clusters.live(targetClusterId)
                    .orElseThrow(() -> new NoSuchElementException("unknown target cluster " + targetClusterId));
            Instant start = clock.instant();
            Manifest manifest = reader.manifest(backup.objectKey());
            DatabaseRestorer.Restored restored = restorer.restoreIntoCluster(manifest, identities,
                    target.address(), targetDatabase);
            Duration duration = Duration.between(start, clock.instant());
            LOG.infof("restored backup %s of %s into %s/%s: %d tables, %d rows", backupId, clusterId,
                    targetClusterId, targetDatabase, restored.tables(), restored.rows());
            return new Outcome(backupId, targetClusterId, targetDatabase, restored.tables(), restored.rows(),
                    restored.matchesManifest(), restored.difference(), duration);
        }
    }
}
