package io.nais.pg.console.readmodel;

import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.nais.pg.console.jdbc.Jdbc;
import io.nais.pg.events.BackupCompleted;
import io.nais.pg.events.BackupFailed;
import io.nais.pg.events.BackupPruned;
import io.nais.pg.events.BackupStarted;
import io.nais.pg.events.ClusterAccessConformanceChanged;
import io.nais.pg.events.ClusterState;
import io.nais.pg.events.ClusterRemoved;
import io.nais.pg.events.DbaAccessDenied;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.DbaAccessRequested;
import io.nais.pg.events.DbaChangesDetected;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.events.GrantRevoked;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.HumanRoleRemoved;
import io.nais.pg.events.RestoreVerified;

/**
 * The read model's writes, one method per fact. Each converges (upsert guarded
 * by the fact's time or lifecycle rank), so a redelivered or late event never
 * moves a row backwards. Runs in the consumer's transaction.
 */
@ApplicationScoped
class Projections {

    private static final String MEMBER = """
            INSERT INTO console_member (team, email, present, changed_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (team, email) DO UPDATE SET present = excluded.present, changed_at = excluded.changed_at
            WHERE console_member.changed_at <= excluded.changed_at
            """;

    private static final String CLUSTER = """
            INSERT INTO console_cluster (cluster_id, team, app, host, port, database, pg_version, status, present, changed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, true, ?)
            ON CONFLICT (cluster_id) DO UPDATE SET team = excluded.team, app = excluded.app, host = excluded.host,
              port = excluded.port, database = excluded.database, pg_version = excluded.pg_version,
              status = excluded.status, present = true, changed_at = excluded.changed_at
            WHERE console_cluster.changed_at <= excluded.changed_at
            """;

    private static final String CLUSTER_REMOVED = """
            INSERT INTO console_cluster (cluster_id, team, app, present, changed_at) VALUES (?, ?, ?, false, ?)
            ON CONFLICT (cluster_id) DO UPDATE SET present = false, changed_at = excluded.changed_at
            WHERE console_cluster.changed_at <= excluded.changed_at
            """;

    private static final String ACCESS = """
            INSERT INTO console_access (cluster_id, email, role_name, superuser, present, changed_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (cluster_id, email) DO UPDATE SET role_name = excluded.role_name, superuser = excluded.superuser,
              present = excluded.present, changed_at = excluded.changed_at
            WHERE console_access.changed_at <= excluded.changed_at
            """;

    /** Fields a later stage does not know stay as an earlier stage set them (COALESCE). */
    private static final String GRANT = """
            INSERT INTO console_grant (grant_id, cluster_id, team, requester, state, state_rank, reason, approver,
              granted_at, expires_at, ended_at, changed_at, requested_seconds)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (grant_id) DO UPDATE SET
              state = CASE WHEN excluded.state_rank >= console_grant.state_rank THEN excluded.state ELSE console_grant.state END,
              state_rank = greatest(excluded.state_rank, console_grant.state_rank),
              reason = COALESCE(console_grant.reason, excluded.reason),
              approver = COALESCE(excluded.approver, console_grant.approver),
              granted_at = COALESCE(excluded.granted_at, console_grant.granted_at),
              expires_at = COALESCE(excluded.expires_at, console_grant.expires_at),
              ended_at = COALESCE(excluded.ended_at, console_grant.ended_at),
              changed_at = greatest(excluded.changed_at, console_grant.changed_at),
              requested_seconds = COALESCE(console_grant.requested_seconds, excluded.requested_seconds)
            """;

    private static final String BACKUP = """
            INSERT INTO console_backup (backup_id, cluster_id, state, state_rank, started_at, finished_at, object_key,
              bytes, reason, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (backup_id) DO UPDATE SET
              state = CASE WHEN excluded.state_rank >= console_backup.state_rank THEN excluded.state ELSE console_backup.state END,
              state_rank = greatest(excluded.state_rank, console_backup.state_rank),
              started_at = COALESCE(console_backup.started_at, excluded.started_at),
              finished_at = COALESCE(console_backup.finished_at, excluded.finished_at),
              object_key = COALESCE(excluded.object_key, console_backup.object_key),
              bytes = COALESCE(excluded.bytes, console_backup.bytes),
              reason = COALESCE(excluded.reason, console_backup.reason),
              changed_at = greatest(excluded.changed_at, console_backup.changed_at)
            """;

    private static final String RESTORE = """
            INSERT INTO console_restore_check (event_id, backup_id, cluster_id, ok, tables, row_count, detail, verified_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING
            """;

    private static final String CONFORMANCE = """
            INSERT INTO console_access_conformance (cluster_id, conforming, findings, changed_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (cluster_id) DO UPDATE SET conforming = excluded.conforming, findings = excluded.findings,
              changed_at = excluded.changed_at
            WHERE console_access_conformance.changed_at <= excluded.changed_at
            """;

    private static final String DBA_CHANGE = """
            INSERT INTO console_dba_change (event_id, grant_id, cluster_id, requester, stage, differences,
              disabled_roles, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING
            """;

    private final Jdbc jdbc;

    Projections(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    void member(String team, String email, boolean present, Instant at) {
        jdbc.update(MEMBER, team, email, present, at);
    }

    /** ClusterDiscovered or ClusterUpdated: both carry the whole state. */
    void cluster(ClusterState c, Instant at) {
        jdbc.update(CLUSTER, c.clusterId(), c.team(), c.app(), c.host(), c.port(), c.database(), c.pgVersion(),
                c.status(), at);
    }

    void clusterRemoved(ClusterRemoved c, Instant at) {
        jdbc.update(CLUSTER_REMOVED, c.clusterId(), c.team(), c.app(), at);
    }

    /**
     * One row per person: the role named as the email, which carries their powers (a DBA grant's SUPERUSER). Their
     * read-only role ({@code <email>/ro}, access-service's AccessLevel) comes and goes with it in the same pass, so
     * its events would only overwrite that row with a role that is never a superuser.
     */
    void access(HumanRoleProvisioned p, Instant at) {
        if (p.roleName().equals(p.email())) {
            jdbc.update(ACCESS, p.clusterId(), p.email(), p.roleName(), p.superuser(), true, at);
        }
    }

    void access(HumanRoleRemoved r, Instant at) {
        if (r.roleName().equals(r.email())) {
            jdbc.update(ACCESS, r.clusterId(), r.email(), r.roleName(), false, false, at);
        }
    }

    void conformance(ClusterAccessConformanceChanged c, Instant at) {
        jdbc.update(CONFORMANCE, c.clusterId(), c.conforming(), c.findings().toArray(String[]::new), at);
    }

    void dbaChanges(UUID eventId, DbaChangesDetected d, Instant at) {
        jdbc.update(DBA_CHANGE, eventId, d.grantId(), d.clusterId(), d.requester(), d.stage().name(),
                d.differences().toArray(String[]::new), d.disabledRoles().toArray(String[]::new), at);
    }

    void grant(DbaAccessRequested r, Instant at) {
        jdbc.update(GRANT, r.grantId(), r.clusterId(), r.team(), r.requester(), GrantState.REQUESTED.name(),
                GrantState.REQUESTED.rank, r.reason(), null, null, null, null, at, r.duration().toSeconds());
    }

    void grant(DbaAccessGranted g, Instant at) {
        jdbc.update(GRANT, g.grantId(), g.clusterId(), g.team(), g.requester(), GrantState.GRANTED.name(),
                GrantState.GRANTED.rank, null, g.approver(), g.grantedAt(), g.expiresAt(), null, at, null);
    }

    void grant(DbaAccessDenied d, Instant at) {
        jdbc.update(GRANT, d.grantId(), d.clusterId(), d.team(), d.requester(), GrantState.DENIED.name(),
                GrantState.DENIED.rank, null, d.decidedBy(), null, null, at, at, null);
    }

    void grant(GrantExpired e, Instant at) {
        jdbc.update(GRANT, e.grantId(), e.clusterId(), e.team(), e.requester(), GrantState.EXPIRED.name(),
                GrantState.EXPIRED.rank, null, null, null, null, e.expiredAt(), at, null);
    }

    void grant(GrantRevoked r, Instant at) {
        jdbc.update(GRANT, r.grantId(), r.clusterId(), r.team(), r.requester(), GrantState.REVOKED.name(),
                GrantState.REVOKED.rank, null, null, null, null, at, at, null);
    }

    void backup(BackupStarted s, Instant at) {
        backup(s.backupId(), s.clusterId(), BackupState.STARTED, s.startedAt(), null, null, null, null, at);
    }

    void backup(BackupCompleted c, Instant at) {
        backup(c.backupId(), c.clusterId(), BackupState.COMPLETED, null, at, c.objectKey(), c.bytes(), null, at);
    }

    void backup(BackupFailed f, Instant at) {
        backup(f.backupId(), f.clusterId(), BackupState.FAILED, null, at, null, null, f.reason(), at);
    }

    void backup(BackupPruned p, Instant at) {
        backup(p.backupId(), p.clusterId(), BackupState.PRUNED, null, null, p.objectKey(), null, null, at);
    }

    private void backup(UUID backupId, String clusterId, BackupState state, Instant startedAt, Instant finishedAt,
                        String objectKey, Long bytes, String reason, Instant at) {
        jdbc.update(BACKUP, backupId, clusterId, state.name(), state.rank, startedAt, finishedAt, objectKey, bytes,
                reason, at);
    }

    void restore(UUID eventId, RestoreVerified r, Instant at) {
        jdbc.update(RESTORE, eventId, r.backupId(), r.clusterId(), r.ok(), r.tables(), r.rows(), r.detail(), at);
    }
}
