package io.nais.pg.events;

import java.util.UUID;

/** A backup of a cluster failed; {@code reason} says why. Key: the cluster id. */
public record BackupFailed(UUID backupId, String clusterId, String reason) implements PlatformEvent {

    public BackupFailed {
        Require.present(backupId, "BackupFailed.backupId");
        Require.clusterId(clusterId, "BackupFailed.clusterId");
        Require.text(reason, "BackupFailed.reason");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
