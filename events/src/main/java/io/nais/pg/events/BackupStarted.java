package io.nais.pg.events;

import java.time.Instant;
import java.util.UUID;

/** A backup of a cluster began. Key: the cluster id. */
public record BackupStarted(UUID backupId, String clusterId, Instant startedAt) implements PlatformEvent {

    public BackupStarted {
        Require.present(backupId, "BackupStarted.backupId");
        Require.clusterId(clusterId, "BackupStarted.clusterId");
        Require.present(startedAt, "BackupStarted.startedAt");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
