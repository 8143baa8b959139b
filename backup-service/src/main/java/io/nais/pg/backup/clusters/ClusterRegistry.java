package io.nais.pg.backup.clusters;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * The clusters to back up, projected from the clusters topic. The newest event
 * (by envelope time, then id) wins, so a redelivered or late event converges
 * instead of replaying a change.
 */
@ApplicationScoped
public class ClusterRegistry {

    private static final String UPSERT = """
            INSERT INTO backup_cluster (cluster_id, team, host, port, database, admin_secret_ref, pg_version,
                                        removed, event_time, event_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, false, ?, ?)
            ON CONFLICT (cluster_id) DO UPDATE
               SET team = EXCLUDED.team, host = EXCLUDED.host, port = EXCLUDED.port, database = EXCLUDED.database,
                   admin_secret_ref = EXCLUDED.admin_secret_ref, pg_version = EXCLUDED.pg_version, removed = false,
                   event_time = EXCLUDED.event_time, event_id = EXCLUDED.event_id
             WHERE backup_cluster.event_time IS NULL
                OR (backup_cluster.event_time, backup_cluster.event_id) < (EXCLUDED.event_time, EXCLUDED.event_id)
            """;
    private static final String REMOVE = """
            UPDATE backup_cluster SET removed = true, event_time = ?, event_id = ?
             WHERE cluster_id = ? AND (event_time IS NULL OR (event_time, event_id) < (?, ?))
            """;
    private static final String COLUMNS = """
            SELECT cluster_id, team, host, port, database, admin_secret_ref, pg_version, first_seen_at
              FROM backup_cluster
            """;

    private final DataSource dataSource;

    ClusterRegistry(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The facts of ClusterDiscovered and ClusterUpdated. */
    public record ClusterFacts(String clusterId, String team, String host, int port, String database,
                               String adminSecretRef, String pgVersion) {
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void upsert(ClusterFacts facts, Instant eventTime, UUID eventId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPSERT)) {
            ps.setString(1, facts.clusterId());
            ps.setString(2, facts.team());
            ps.setString(3, facts.host());
            ps.setInt(4, facts.port());
            ps.setString(5, facts.database());
            ps.setString(6, facts.adminSecretRef());
            ps.setString(7, facts.pgVersion());
            ps.setTimestamp(8, Timestamp.from(eventTime));
            ps.setObject(9, eventId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not project cluster " + facts.clusterId(), e);
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void remove(String clusterId, Instant eventTime, UUID eventId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(REMOVE)) {
            ps.setTimestamp(1, Timestamp.from(eventTime));
            ps.setObject(2, eventId);
            ps.setString(3, clusterId);
            ps.setTimestamp(4, Timestamp.from(eventTime));
            ps.setObject(5, eventId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not remove cluster " + clusterId, e);
        }
    }

    /** A known, not removed cluster. */
    public Optional<BackupTarget> live(String clusterId) {
        return query(COLUMNS + " WHERE cluster_id = ? AND NOT removed", clusterId).stream().findFirst();
    }

    public List<BackupTarget> allLive() {
        return query(COLUMNS + " WHERE NOT removed ORDER BY cluster_id", null);
    }

    private List<BackupTarget> query(String sql, String parameter) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setString(1, parameter);
            }
            List<BackupTarget> targets = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    targets.add(new BackupTarget(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant()));
                }
            }
            return targets;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read clusters", e);
        }
    }
}
