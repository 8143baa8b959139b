package io.nais.pg.console.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import io.nais.pg.events.BackupCompleted;
import io.nais.pg.events.BackupFailed;
import io.nais.pg.events.BackupPruned;
import io.nais.pg.events.ClusterAccessConformanceChanged;
import io.nais.pg.events.DbaAccessDenied;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.DbaAccessRequested;
import io.nais.pg.events.DbaChangesDetected;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.events.GrantRevoked;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.HumanRoleRefused;
import io.nais.pg.events.HumanRoleRemoved;
import io.nais.pg.events.LoginDenied;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.RestoreCompleted;
import io.nais.pg.events.RestoreVerified;
import io.nais.pg.events.SessionClosed;
import io.nais.pg.events.SessionOpened;
import io.nais.pg.events.StatementExecuted;
import io.nais.pg.events.UnauthenticatedLoginRefused;

/**
 * One line of the audit trail: when, who, where and what. {@code person} is
 * the human the fact is about; for facts no human caused (backups, restore
 * checks) it is the producing service, and it is absent for a connection
 * refused before the client authenticated (UnauthenticatedLoginRefused: what
 * the client typed is no fact about anyone). {@code team} and {@code clusterId}
 * are absent only for those, and for a login refused on a cluster the platform
 * does not know; such lines are visible to platform admins only. The structured columns
 * (statement, parameter count, byte counts, session) are null where the kind
 * has none. {@code id} is the store's row id, null before the row is stored.
 */
public record AuditEntry(Long id, Instant time, String team, String clusterId, String person, String kind,
                         String detail, UUID sessionId, String statement, Integer parameterCount,
                         Long bytesFromClient, Long bytesToClient) {

    /** The audit line of an audit-relevant event; empty for any other event (see package-info for which). */
    public static Optional<AuditEntry> of(Envelope<?> envelope) {
        // Microseconds: what PostgreSQL keeps, so the stored row hashes the same on every read.
        Instant at = envelope.metadata().time().truncatedTo(ChronoUnit.MICROS);
        return Optional.ofNullable(describe(envelope.data(), at, envelope.metadata().producer()));
    }

    private static AuditEntry describe(PlatformEvent data, Instant at, String producer) {
        String kind = data.getClass().getSimpleName();
        if (data instanceof HumanRoleProvisioned p) {
            return line(at, p.clusterId(), p.email(), kind, p.superuser() ? "superuser" : "member");
        } else if (data instanceof HumanRoleRemoved r) {
            return line(at, r.clusterId(), r.email(), kind, r.outcome().name().toLowerCase(Locale.ROOT)
                    + (r.detail() == null ? "" : ": " + r.detail()));
        } else if (data instanceof HumanRoleRefused r) {
            return line(at, r.clusterId(), r.email(), kind, r.reason() + ": " + r.detail());
        } else if (data instanceof SessionOpened s) {
            return line(at, s.clusterId(), s.email(), kind,
                    "from " + s.clientAddress() + (s.grantId() == null ? "" : " on DBA grant " + s.grantId())
                            + level(s.level()))
                    .session(s.sessionId());
        } else if (data instanceof SessionClosed s) {
            return line(at, s.clusterId(), s.email(), kind, s.reason() + "; " + s.bytesFromClient()
                    + " bytes from client, " + s.bytesToClient() + " to client")
                    .session(s.sessionId()).bytes(s.bytesFromClient(), s.bytesToClient());
        } else if (data instanceof LoginDenied d) {
            return line(at, d.clusterId(), d.email(), kind, d.sqlState() + " " + d.reason());
        } else if (data instanceof UnauthenticatedLoginRefused u) {
            // names no person and no cluster: the client had proved nothing (see AuditChain#chainOf)
            return line(at, null, null, kind, u.sqlState() + " " + u.reason() + " from " + u.clientAddress()
                    + (u.refusals() > 1 ? " (" + u.refusals() + " refusals)" : ""));
        } else if (data instanceof StatementExecuted s) {
            return line(s.executedAt().truncatedTo(ChronoUnit.MICROS), s.clusterId(), s.email(), kind,
                    s.parameterCount() + " parameter(s)" + (s.truncated() ? ", statement truncated" : ""))
                    .session(s.sessionId()).statement(s.statement(), s.parameterCount());
        } else if (data instanceof DbaAccessRequested r) {
            return line(at, r.clusterId(), r.requester(), kind, "for " + r.duration() + ": " + r.reason());
        } else if (data instanceof DbaAccessGranted g) {
            return line(at, g.clusterId(), g.requester(), kind,
                    "approved by " + g.approver() + " until " + g.expiresAt());
        } else if (data instanceof DbaAccessDenied d) {
            return line(at, d.clusterId(), d.requester(), kind, "denied by " + d.decidedBy() + ": " + d.reason());
        } else if (data instanceof GrantExpired e) {
            return line(at, e.clusterId(), e.requester(), kind, "expired at " + e.expiredAt());
        } else if (data instanceof GrantRevoked r) {
            return line(at, r.clusterId(), r.requester(), kind, "revoked by " + r.revokedBy() + ": " + r.reason());
        } else if (data instanceof BackupCompleted c) {
            return line(at, c.clusterId(), producer, kind, c.objectKey() + ", " + c.bytes() + " bytes, sha256 "
                    + c.sha256());
        } else if (data instanceof BackupFailed f) {
            return line(at, f.clusterId(), producer, kind, f.reason());
        } else if (data instanceof BackupPruned p) {
            return line(at, p.clusterId(), producer, kind, p.objectKey());
        } else if (data instanceof DbaChangesDetected d) {
            return line(at, d.clusterId(), d.requester(), kind, d.stage().name().toLowerCase(Locale.ROOT) + ": "
                    + String.join("; ", d.differences())
                    + (d.disabledRoles().isEmpty() ? "" : "; disabled " + String.join(", ", d.disabledRoles())));
        } else if (data instanceof ClusterAccessConformanceChanged c) {
            return line(at, c.clusterId(), producer, kind, c.conforming() ? "people log in only through the gateway"
                    : String.join("; ", c.findings()));
        } else if (data instanceof RestoreVerified r) {
            return line(at, r.clusterId(), producer, kind, (r.ok() ? "ok: " : "FAILED: ") + r.tables() + " tables, "
                    + r.rows() + " rows" + (r.detail() == null ? "" : "; " + r.detail()));
        } else if (data instanceof RestoreCompleted r) {
            return line(at, r.clusterId(), r.restoredBy(), kind, "backup " + r.backupId() + " into " + r.targetClusterId()
                    + " database " + r.targetDatabase() + ": "
                    + (r.tables().isEmpty() ? "whole database" : "tables " + String.join(", ", r.tables())) + ", "
                    + r.rows() + " rows" + (r.matchesManifest() ? "" : "; DIFFERS from the manifest: " + r.detail())
                    + (r.referencesNotRestored().isEmpty() ? "" : "; not restored: "
                    + String.join("; ", r.referencesNotRestored())));
        }
        return null;
    }

    private static AuditEntry line(Instant at, String clusterId, String person, String kind, String detail) {
        return new AuditEntry(null, at, teamOf(clusterId), clusterId, person, kind, detail, null, null, null, null,
                null);
    }

    private AuditEntry session(UUID session) {
        return new AuditEntry(id, time, team, clusterId, person, kind, detail, session, statement, parameterCount,
                bytesFromClient, bytesToClient);
    }

    private AuditEntry statement(String text, int parameters) {
        return new AuditEntry(id, time, team, clusterId, person, kind, detail, sessionId, text, parameters,
                bytesFromClient, bytesToClient);
    }

    private AuditEntry bytes(long fromClient, long toClient) {
        return new AuditEntry(id, time, team, clusterId, person, kind, detail, sessionId, statement, parameterCount,
                fromClient, toClient);
    }

    /** The cluster id is {@code <team>/<app>}. */
    public static String teamOf(String clusterId) {
        return clusterId == null || clusterId.indexOf('/') < 0 ? null : clusterId.substring(0, clusterId.indexOf('/'));
    }

    /** A session's level as the trail shows it; nothing for events of gateways before levels (their sessions wrote). */
    private static String level(SessionOpened.Level level) {
        if (level == null) {
            return "";
        }
        return level == SessionOpened.Level.READ ? " (read-only)" : " (read-write)";
    }
}
