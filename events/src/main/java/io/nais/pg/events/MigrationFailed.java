package io.nais.pg.events;

import java.util.List;
import java.util.UUID;

/**
 * A migration into a platform cluster stopped at {@code stage} (plan, copy,
 * replicate, cutover, verify) for {@code reason}. {@code mismatchedTables}
 * names the tables whose verification failed ({@code schema.table}); empty when
 * the failure was not a verification. Key: the target cluster id.
 */
public record MigrationFailed(UUID migrationId, String clusterId, String mode, String stage, String reason,
        List<String> mismatchedTables) implements PlatformEvent {

    public MigrationFailed {
        Require.present(migrationId, "MigrationFailed.migrationId");
        Require.clusterId(clusterId, "MigrationFailed.clusterId");
        requireMode(mode, "MigrationFailed.mode");
        Require.text(stage, "MigrationFailed.stage");
        Require.text(reason, "MigrationFailed.reason");
        mismatchedTables = Require.texts(mismatchedTables, "MigrationFailed.mismatchedTables");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }

    static String requireMode(String mode, String field) {
        if (!"dump".equals(mode) && !"replicate".equals(mode)) {
            throw new IllegalArgumentException(field + " must be dump or replicate");
        }
        return mode;
    }
}
