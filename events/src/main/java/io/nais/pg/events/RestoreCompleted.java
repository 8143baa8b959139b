package io.nais.pg.events;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A person restored a stored backup of {@code clusterId} into the new database {@code targetDatabase} on
 * {@code targetClusterId}: the whole database when {@code tables} is empty, else only those tables
 * ({@code schema.table}, with their sequences, indexes and constraints). {@code rows} is what the restored
 * tables hold; {@code matchesManifest} whether that matched what was recorded at dump time, {@code detail}
 * what differed (names, never values). {@code referencesNotRestored} names each foreign key (reference) of a restored
 * table that was left out because the table it references was not restored. Key: the source cluster id.
 */
public record RestoreCompleted(UUID backupId, String clusterId, String targetClusterId, String targetDatabase,
        String restoredBy, List<String> tables, long rows, boolean matchesManifest, String detail,
        List<String> referencesNotRestored, Duration duration) implements PlatformEvent {

    public RestoreCompleted {
        Require.present(backupId, "RestoreCompleted.backupId");
        Require.clusterId(clusterId, "RestoreCompleted.clusterId");
        Require.clusterId(targetClusterId, "RestoreCompleted.targetClusterId");
        Require.text(targetDatabase, "RestoreCompleted.targetDatabase");
        restoredBy = Emails.normalise(Require.text(restoredBy, "RestoreCompleted.restoredBy"));
        tables = Require.texts(tables, "RestoreCompleted.tables");
        Require.notNegative(rows, "RestoreCompleted.rows");
        Require.optionalText(detail, "RestoreCompleted.detail");
        referencesNotRestored = Require.texts(referencesNotRestored, "RestoreCompleted.referencesNotRestored");
        Require.notNegative(duration, "RestoreCompleted.duration");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
