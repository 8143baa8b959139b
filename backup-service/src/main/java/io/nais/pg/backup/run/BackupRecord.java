package io.nais.pg.backup.run;

import java.time.Instant;
import java.util.UUID;

/** One backup run as stored: what the API lists and what retention and verification pick from. */
public record BackupRecord(UUID backupId, String clusterId, String state, String objectKey, Long bytes, String sha256,
                           String pgVersion, Instant startedAt, Instant finishedAt, Long durationMs, String detail,
                           Instant verifiedAt, Boolean verifiedOk, String verifyDetail) {

    public static final String RUNNING = "RUNNING";
    public static final String COMPLETED = "COMPLETED";
    public static final String FAILED = "FAILED";
    public static final String PRUNED = "PRUNED";
}
