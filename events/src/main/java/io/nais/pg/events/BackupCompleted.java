package io.nais.pg.events;

import java.time.Duration;
import java.util.UUID;

/**
 * An encrypted dump is stored off-site. {@code objectKey} is the S3 object key
 * (a name, not key material); {@code bytes} and {@code sha256} (lowercase hex)
 * describe the stored object. Key: the cluster id.
 */
public record BackupCompleted(UUID backupId, String clusterId, String objectKey, long bytes, String sha256,
        Duration duration, String pgVersion) implements PlatformEvent {

    public BackupCompleted {
        Require.present(backupId, "BackupCompleted.backupId");
        Require.clusterId(clusterId, "BackupCompleted.clusterId");
        Require.text(objectKey, "BackupCompleted.objectKey");
        Require.notNegative(bytes, "BackupCompleted.bytes");
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("BackupCompleted.sha256 must be 64 lowercase hex characters");
        }
        Require.notNegative(duration, "BackupCompleted.duration");
        Require.text(pgVersion, "BackupCompleted.pgVersion");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
