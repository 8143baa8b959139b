package io.nais.pg.console.readmodel;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.nais.pg.console.audit.AuditEntry;

/** What the read model answers: plain records, serialised as JSON by the API and rendered by the page. */
public final class Views {

    private Views() {
    }

    /** One row of a team's clusters table. */
    public record ClusterSummary(String clusterId, String team, String app, String status, String pgVersion,
                                 String host, Integer port, String database, int peopleWithAccess, int activeGrants,
                                 Instant lastBackupAt, Long lastBackupBytes, Instant lastRestoreCheckAt,
                                 Boolean lastRestoreCheckOk) {
    }

    /** A person with a login role in the cluster (provisioned and not removed). */
    public record AccessHolder(String email, String roleName, boolean superuser, Instant since) {
    }

    /**
     * A DBA grant that is granted, not ended and not yet past its expiry;
     * {@code timeLeft} is for people ("1h 59m"), {@code secondsLeft} for programs.
     */
    public record ActiveGrant(UUID grantId, String requester, String approver, String reason, Instant grantedAt,
                              Instant expiresAt, long secondsLeft, String timeLeft) {

        static ActiveGrant of(UUID grantId, String requester, String approver, String reason, Instant grantedAt,
                              Instant expiresAt, Instant now) {
            Duration left = Duration.between(now, expiresAt);
            return new ActiveGrant(grantId, requester, approver, reason, grantedAt, expiresAt, left.toSeconds(),
                    humanReadable(left));
        }

        static String humanReadable(Duration left) {
            if (left.toHours() > 0) {
                return left.toHours() + "h " + left.toMinutesPart() + "m";
            }
            return left.toMinutes() > 0 ? left.toMinutes() + "m " + left.toSecondsPart() + "s" : left.toSeconds() + "s";
        }
    }

    /** A DBA's request that nobody has approved or denied yet; {@code duration} as the person asked ("2h 0m"). */
    public record PendingRequest(UUID grantId, String requester, String reason, String duration, Instant requestedAt) {

        static PendingRequest of(UUID grantId, String requester, String reason, Long seconds, Instant requestedAt) {
            return new PendingRequest(grantId, requester, reason,
                    seconds == null ? null : ActiveGrant.humanReadable(Duration.ofSeconds(seconds)), requestedAt);
        }
    }

    public record BackupRow(UUID backupId, String state, Instant startedAt, Instant finishedAt, String objectKey,
                            Long bytes, String reason) {
    }

    public record RestoreCheck(UUID backupId, boolean ok, int tables, long rows, String detail, Instant verifiedAt) {
    }

    public record ClusterDetail(ClusterSummary cluster, List<AccessHolder> access, List<ActiveGrant> activeGrants,
                                List<PendingRequest> pendingRequests, List<BackupRow> backups, RestoreCheck lastRestoreCheck,
                                List<AuditEntry> recentSessions, List<AuditEntry> auditTimeline,
                                LoginPaths loginPaths, List<DbaChanges> dbaChanges) {
    }

    /**
     * How people can log in to the cluster, as access-service last found it: {@code conforming} when only
     * through the gateway; otherwise each finding names a pg_hba line that lets a person in another way.
     */
    public record LoginPaths(boolean conforming, List<String> findings, Instant checkedAt) {
    }

    /** What a DBA changed in the cluster during a grant (names, never values), and the roles disabled. */
    public record DbaChanges(UUID grantId, String requester, String stage, List<String> differences,
                             List<String> disabledRoles, Instant detectedAt) {
    }

    public record Page<T>(List<T> items, int page, int size, long total) {
    }

    /**
     * A cluster the person may reach through the gateway: one of their teams'
     * ({@code via} "team") or one they hold an active DBA grant for ("dba-grant").
     * {@code gatewayDatabase} is the database name to ask the gateway for.
     */
    public record ReachableCluster(String clusterId, String team, String app, String gatewayDatabase, String via) {
    }
}
