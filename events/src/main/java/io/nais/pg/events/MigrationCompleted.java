package io.nais.pg.events;

import java.time.Duration;
import java.util.UUID;

/**
 * A database was migrated into a platform cluster and verified: every table's
 * row count and content checksum match the source, every sequence is at or
 * beyond the source's value. {@code mode} is {@code dump} or {@code replicate};
 * {@code bytes} is what was streamed (dump mode) or the source's size
 * (replicate mode). The source's address and credentials are never carried.
 * Key: the target cluster id.
 */
public record MigrationCompleted(UUID migrationId, String clusterId, String mode, String sourceVersion,
        String targetVersion, int tables, long rows, long bytes, int sequences, Duration duration,
        Duration verificationDuration) implements PlatformEvent {

    public MigrationCompleted {
        Require.present(migrationId, "MigrationCompleted.migrationId");
        Require.clusterId(clusterId, "MigrationCompleted.clusterId");
        MigrationFailed.requireMode(mode, "MigrationCompleted.mode");
        Require.text(sourceVersion, "MigrationCompleted.sourceVersion");
        Require.text(targetVersion, "MigrationCompleted.targetVersion");
        Require.notNegative(tables, "MigrationCompleted.tables");
        Require.notNegative(rows, "MigrationCompleted.rows");
        Require.notNegative(bytes, "MigrationCompleted.bytes");
        Require.notNegative(sequences, "MigrationCompleted.sequences");
        Require.notNegative(duration, "MigrationCompleted.duration");
        Require.notNegative(verificationDuration, "MigrationCompleted.verificationDuration");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
