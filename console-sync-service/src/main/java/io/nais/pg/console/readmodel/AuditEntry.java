package io.nais.pg.console.readmodel;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import io.nais.pg.events.DbaAccessDenied;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.DbaAccessRequested;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.events.GrantRevoked;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.HumanRoleRemoved;
import io.nais.pg.events.LoginDenied;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.SessionClosed;
import io.nais.pg.events.SessionOpened;
import io.nais.pg.events.StatementExecuted;

/**
 * One line of the audit trail: an access or DBA grant event, with when, who,
 * where and what. {@code team} is absent only for a login refused before the
 * client named a cluster; such lines are visible to platform admins only.
 */
public record AuditEntry(Instant time, String team, String clusterId, String person, String kind, String detail) {

    /** The audit line of an access or DBA grant event; empty for any other event. */
    public static Optional<AuditEntry> of(Envelope<?> envelope) {
        Instant at = envelope.metadata().time();
        String kind = envelope.data().getClass().getSimpleName();
        return Optional.ofNullable(describe(envelope.data(), at, kind));
    }

    private static AuditEntry describe(PlatformEvent data, Instant at, String kind) {
        if (data instanceof HumanRoleProvisioned p) {
            return line(at, p.clusterId(), p.email(), kind, p.superuser() ? "superuser" : "member");
        } else if (data instanceof HumanRoleRemoved r) {
            return line(at, r.clusterId(), r.email(), kind, r.outcome().name().toLowerCase(Locale.ROOT));
        } else if (data instanceof SessionOpened s) {
            return line(at, s.clusterId(), s.email(), kind,
                    "from " + s.clientAddress() + (s.grantId() == null ? "" : " on DBA grant " + s.grantId()));
        } else if (data instanceof SessionClosed s) {
            return line(at, s.clusterId(), s.email(), kind, s.reason());
        } else if (data instanceof LoginDenied d) {
            return line(at, d.clusterId(), d.email(), kind, d.sqlState() + " " + d.reason());
        } else if (data instanceof StatementExecuted s) {
            return line(at, s.clusterId(), s.email(), kind, s.statement());
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
        }
        return null;
    }

    private static AuditEntry line(Instant at, String clusterId, String person, String kind, String detail) {
        return new AuditEntry(at, teamOf(clusterId), clusterId, person, kind, detail);
    }

    /** The cluster id is {@code <team>/<app>}. */
    static String teamOf(String clusterId) {
        return clusterId == null ? null : clusterId.substring(0, clusterId.indexOf('/'));
    }
}
