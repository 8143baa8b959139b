package io.nais.pg.console.readmodel;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.nais.pg.console.audit.AuditQueries;
import io.nais.pg.console.jdbc.Jdbc;

import io.nais.pg.console.readmodel.Views.AccessHolder;
import io.nais.pg.console.readmodel.Views.ActiveGrant;
import io.nais.pg.console.readmodel.Views.BackupRow;
import io.nais.pg.console.readmodel.Views.ClusterDetail;
import io.nais.pg.console.readmodel.Views.ClusterSummary;
import io.nais.pg.console.readmodel.Views.DbaChanges;
import io.nais.pg.console.readmodel.Views.LoginPaths;
import io.nais.pg.console.readmodel.Views.Page;
import io.nais.pg.console.readmodel.Views.PendingRequest;
import io.nais.pg.console.readmodel.Views.ReachableCluster;
import io.nais.pg.console.readmodel.Views.RestoreCheck;

/** The read side of the console: answers for the API and the page. */
@ApplicationScoped
public class ConsoleReadModel {

    private static final String SUMMARY = """
            SELECT c.cluster_id, c.team, c.app, c.status, c.pg_version, c.host, c.port, c.database,
              (SELECT count(*) FROM console_access a WHERE a.cluster_id = c.cluster_id AND a.present) AS people,
              (SELECT count(*) FROM console_grant g WHERE g.cluster_id = c.cluster_id AND g.state = 'GRANTED'
                 AND g.expires_at > now()) AS grants,
              b.finished_at AS backup_at, b.bytes AS backup_bytes, r.verified_at AS restore_at, r.ok AS restore_ok
            FROM console_cluster c
            LEFT JOIN LATERAL (SELECT finished_at, bytes FROM console_backup
                WHERE cluster_id = c.cluster_id AND state = 'COMPLETED' ORDER BY finished_at DESC LIMIT 1) b ON true
            LEFT JOIN LATERAL (SELECT verified_at, ok FROM console_restore_check
                WHERE cluster_id = c.cluster_id ORDER BY verified_at DESC LIMIT 1) r ON true
            WHERE c.present
            """;

    private static final String TEAMS_OF = "SELECT team FROM console_member WHERE email = ? AND present ORDER BY team";

    private static final String ACCESS = """
            SELECT email, role_name, superuser, changed_at FROM console_access
            WHERE cluster_id = ? AND present ORDER BY email
            """;

    private static final String ACTIVE_GRANTS = """
            SELECT grant_id, requester, approver, reason, granted_at, expires_at FROM console_grant
            WHERE cluster_id = ? AND state = 'GRANTED' AND expires_at > now() ORDER BY expires_at
            """;

    private static final String PENDING_REQUESTS = """
            SELECT grant_id, requester, reason, requested_seconds, changed_at FROM console_grant
            WHERE cluster_id = ? AND state = 'REQUESTED' ORDER BY changed_at
            """;

    private static final String BACKUPS = """
            SELECT backup_id, state, started_at, finished_at, object_key, bytes, reason FROM console_backup
            WHERE cluster_id = ? ORDER BY changed_at DESC LIMIT 20
            """;

    private static final String LAST_RESTORE = """
            SELECT backup_id, ok, tables, row_count, detail, verified_at FROM console_restore_check
            WHERE cluster_id = ? ORDER BY verified_at DESC LIMIT 1
            """;

    private static final String LOGIN_PATHS = """
            SELECT conforming, findings, changed_at FROM console_access_conformance WHERE cluster_id = ?
            """;

    private static final String DBA_CHANGES = """
            SELECT grant_id, requester, stage, differences, disabled_roles, detected_at FROM console_dba_change
            WHERE cluster_id = ? ORDER BY detected_at DESC LIMIT 20
            """;

    /** The caller's teams' clusters, and clusters where they hold a granted, unexpired DBA grant. */
    private static final String REACHABLE = """
            SELECT c.cluster_id, c.team, c.app, 'team' AS via FROM console_cluster c
            WHERE c.present AND c.team = ANY (?)
            UNION
            SELECT c.cluster_id, c.team, c.app, 'dba-grant' FROM console_cluster c
            JOIN console_grant g ON g.cluster_id = c.cluster_id
            WHERE c.present AND g.requester = ? AND g.state = 'GRANTED' AND g.expires_at > now()
              AND NOT c.team = ANY (?)
            ORDER BY 2, 3
            """;

    private static final List<String> SESSION_KINDS = List.of("SessionOpened", "SessionClosed", "LoginDenied");

    private final Jdbc jdbc;
    private final AuditQueries audit;

    ConsoleReadModel(DataSource dataSource, AuditQueries audit) {
        this.jdbc = new Jdbc(dataSource);
        this.audit = audit;
    }

    /** The teams the person is a member of, from the membership projection. */
    public List<String> teamsOf(String email) {
        return jdbc.query(TEAMS_OF, row -> row.getString(1), email);
    }

    public List<ClusterSummary> clustersOf(String team) {
        return jdbc.query(SUMMARY + " AND c.team = ? ORDER BY c.app", ConsoleReadModel::summary, team);
    }

    /** Every cluster, for platform admins, ordered by team and app. */
    public Page<ClusterSummary> allClusters(int page, int size) {
        List<ClusterSummary> items = jdbc.query(SUMMARY + " ORDER BY c.team, c.app LIMIT ? OFFSET ?",
                ConsoleReadModel::summary, size, (long) page * size);
        long total = jdbc.query("SELECT count(*) FROM console_cluster WHERE present", row -> row.getLong(1)).get(0);
        return new Page<>(items, page, size, total);
    }

    public Optional<ClusterDetail> cluster(String team, String app) {
        String clusterId = team + "/" + app;
        List<ClusterSummary> found = jdbc.query(SUMMARY + " AND c.cluster_id = ?", ConsoleReadModel::summary, clusterId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        return Optional.of(new ClusterDetail(found.get(0),
                jdbc.query(ACCESS, ConsoleReadModel::accessHolder, clusterId),
                jdbc.query(ACTIVE_GRANTS, row -> activeGrant(row, now), clusterId),
                jdbc.query(PENDING_REQUESTS, ConsoleReadModel::pendingRequest, clusterId),
                jdbc.query(BACKUPS, ConsoleReadModel::backup, clusterId),
                jdbc.query(LAST_RESTORE, ConsoleReadModel::restore, clusterId).stream().findFirst().orElse(null),
                audit.recent(clusterId, SESSION_KINDS, 20),
                audit.recent(clusterId, List.of(), 50),
                jdbc.query(LOGIN_PATHS, ConsoleReadModel::loginPaths, clusterId).stream().findFirst().orElse(null),
                jdbc.query(DBA_CHANGES, ConsoleReadModel::dbaChanges, clusterId)));
    }

    /** The clusters {@code email} may reach through the gateway, given their {@code teams}. */
    public List<ReachableCluster> reachableBy(String email, List<String> teams) {
        String[] teamArray = teams.toArray(String[]::new);
        return jdbc.query(REACHABLE, row -> new ReachableCluster(row.getString(1), row.getString(2), row.getString(3),
                row.getString(1), row.getString(4)), teamArray, email, teamArray);
    }

    private static ClusterSummary summary(ResultSet row) throws SQLException {
        return new ClusterSummary(row.getString("cluster_id"), row.getString("team"), row.getString("app"),
                row.getString("status"), row.getString("pg_version"), row.getString("host"),
                (Integer) row.getObject("port"), row.getString("database"), row.getInt("people"),
                row.getInt("grants"), Jdbc.instant(row, "backup_at"), (Long) row.getObject("backup_bytes"),
                Jdbc.instant(row, "restore_at"), (Boolean) row.getObject("restore_ok"));
    }

    private static AccessHolder accessHolder(ResultSet row) throws SQLException {
        return new AccessHolder(row.getString("email"), row.getString("role_name"), row.getBoolean("superuser"),
                Jdbc.instant(row, "changed_at"));
    }

    private static ActiveGrant activeGrant(ResultSet row, Instant now) throws SQLException {
        Instant expiresAt = Jdbc.instant(row, "expires_at");
        return ActiveGrant.of((UUID) row.getObject("grant_id"), row.getString("requester"), row.getString("approver"),
                row.getString("reason"), Jdbc.instant(row, "granted_at"), expiresAt, now);
    }

    private static PendingRequest pendingRequest(ResultSet row) throws SQLException {
        return PendingRequest.of((UUID) row.getObject("grant_id"), row.getString("requester"), row.getString("reason"),
                (Long) row.getObject("requested_seconds"), Jdbc.instant(row, "changed_at"));
    }

    private static BackupRow backup(ResultSet row) throws SQLException {
        return new BackupRow((UUID) row.getObject("backup_id"), row.getString("state"), Jdbc.instant(row, "started_at"),
                Jdbc.instant(row, "finished_at"), row.getString("object_key"), (Long) row.getObject("bytes"),
                row.getString("reason"));
    }

    private static LoginPaths loginPaths(ResultSet row) throws SQLException {
        return new LoginPaths(row.getBoolean("conforming"), texts(row, "findings"), Jdbc.instant(row, "changed_at"));
    }

    private static DbaChanges dbaChanges(ResultSet row) throws SQLException {
        return new DbaChanges((UUID) row.getObject("grant_id"), row.getString("requester"), row.getString("stage"),
                texts(row, "differences"), texts(row, "disabled_roles"), Jdbc.instant(row, "detected_at"));
    }

    private static List<String> texts(ResultSet row, String column) throws SQLException {
        return List.of((String[]) row.getArray(column).getArray());
    }

    private static RestoreCheck restore(ResultSet row) throws SQLException {
        return new RestoreCheck((UUID) row.getObject("backup_id"), row.getBoolean("ok"), row.getInt("tables"),
                row.getLong("row_count"), row.getString("detail"), Jdbc.instant(row, "verified_at"));
    }
}
