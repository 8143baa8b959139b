package io.nais.pg.events;

import java.time.Instant;

/**
 * A cluster has had no successful backup for too long. {@code lastSuccessAt} is
 * absent when it never had one. Key: the cluster id.
 */
public record BackupOverdue(String clusterId, Instant lastSuccessAt, Instant overdueSince) implements PlatformEvent {

    public BackupOverdue {
        Require.clusterId(clusterId, "BackupOverdue.clusterId");
        Require.present(overdueSince, "BackupOverdue.overdueSince");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
