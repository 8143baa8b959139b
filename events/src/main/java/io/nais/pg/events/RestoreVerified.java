package io.nais.pg.events;

import java.time.Duration;
import java.util.UUID;

/**
 * A backup was restored into a scratch database and checked; {@code ok} is the
 * verdict, {@code tables} and {@code rows} what the restore held, {@code detail}
 * why it failed (absent when there is nothing to add). Key: the cluster id.
 */
public record RestoreVerified(UUID backupId, String clusterId, boolean ok, int tables, long rows, Duration duration,
        String detail) implements PlatformEvent {

    public RestoreVerified {
        Require.present(backupId, "RestoreVerified.backupId");
        Require.clusterId(clusterId, "RestoreVerified.clusterId");
        Require.notNegative(tables, "RestoreVerified.tables");
        Require.notNegative(rows, "RestoreVerified.rows");
        Require.notNegative(duration, "RestoreVerified.duration");
        Require.optionalText(detail, "RestoreVerified.detail");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
