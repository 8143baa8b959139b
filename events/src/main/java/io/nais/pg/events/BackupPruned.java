package io.nais.pg.events;

import java.util.UUID;

/** Retention deleted a stored backup object. Key: the cluster id. */
public record BackupPruned(UUID backupId, String clusterId, String objectKey) implements PlatformEvent {

    public BackupPruned {
        Require.present(backupId, "BackupPruned.backupId");
        Require.clusterId(clusterId, "BackupPruned.clusterId");
        Require.text(objectKey, "BackupPruned.objectKey");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
