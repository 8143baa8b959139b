package io.nais.pg.access.directory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;


/**
 * The newest fact per cluster. ClusterDiscovered and ClusterUpdated write the
 * same row; ClusterRemoved leaves a tombstone so a late ClusterUpdated cannot
 * bring a removed cluster back.
 */
@ApplicationScoped
public class ClusterProjection {

    /** The fields of ClusterDiscovered / ClusterUpdated that access-service keeps. */
    public record ClusterFacts(String clusterId, String team, String app, String host, int port, String database,
                               String applicationRole, List<String> schemas, String adminSecretRef,
                               String pgVersion, String status) {
    }

    private static final String UPSERT = """
            INSERT INTO cluster (cluster_id, team, app, host, port, database, application_role, schemas,
                                        admin_secret_ref, pg_version, status, removed, event_time, event_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false, ?, ?)
            ON CONFLICT (cluster_id) DO UPDATE
               SET team = EXCLUDED.team, app = EXCLUDED.app, host = EXCLUDED.host, port = EXCLUDED.port,
                   database = EXCLUDED.database, application_role = EXCLUDED.application_role,
                   schemas = EXCLUDED.schemas, admin_secret_ref = EXCLUDED.admin_secret_ref,
                   pg_version = EXCLUDED.pg_version, status = EXCLUDED.status, removed = false,
                   event_time = EXCLUDED.event_time, event_id = EXCLUDED.event_id
             WHERE (cluster.event_time, cluster.event_id) < (EXCLUDED.event_time, EXCLUDED.event_id)
            RETURNING cluster_id
            """;
    private static final String REMOVE = """
            UPDATE cluster SET removed = true, event_time = ?, event_id = ?
             WHERE cluster_id = ? AND NOT removed AND (event_time, event_id) < (?, ?)
            RETURNING team
            """;
    private static final String COLUMNS = """
            SELECT cluster_id, team, app, host, port, database, application_role, schemas, admin_secret_ref
              FROM cluster
            """;

    private final DataSource dataSource;

    ClusterProjection(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @return whether the event was newer than the stored state */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean upsert(ClusterFacts facts, Instant eventTime, UUID eventId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPSERT)) {
            ps.setString(1, facts.clusterId());
            ps.setString(2, facts.team());
            ps.setString(3, facts.app());
            ps.setString(4, facts.host());
            ps.setInt(5, facts.port());
            ps.setString(6, facts.database());
            ps.setString(7, facts.applicationRole());
            ps.setArray(8, c.createArrayOf("text", facts.schemas().toArray()));
            ps.setString(9, facts.adminSecretRef());
            ps.setString(10, facts.pgVersion());
            ps.setString(11, facts.status());
            ps.setTimestamp(12, Timestamp.from(eventTime));
            ps.setObject(13, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not project cluster " + facts.clusterId(), e);
        }
    }

    /** @return whether a live cluster was removed by this (newer) event */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean remove(String clusterId, Instant eventTime, UUID eventId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(REMOVE)) {
            ps.setTimestamp(1, Timestamp.from(eventTime));
            ps.setObject(2, eventId);
            ps.setString(3, clusterId);
            ps.setTimestamp(4, Timestamp.from(eventTime));
            ps.setObject(5, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not remove cluster " + clusterId, e);
        }
    }

    /** A cluster that is known and not removed. */
    public Optional<ClusterTarget> live(String clusterId) {
        List<ClusterTarget> found = query(COLUMNS + " WHERE cluster_id = ? AND NOT removed", clusterId);
        return found.stream().findFirst();
    }

    /** The team's clusters that are known and not removed. */
    public List<ClusterTarget> liveOfTeam(String team) {
        return query(COLUMNS + " WHERE team = ? AND NOT removed ORDER BY cluster_id", team);
    }

    public List<ClusterTarget> allLive() {
        return query(COLUMNS + " WHERE NOT removed ORDER BY cluster_id", null);
    }

    /** The stored endpoint, for the gateway; the app is kept in the projection, not in the target. */
    public Optional<AccessDirectory.ClusterEndpoint> endpoint(String clusterId) {
        String sql = "SELECT cluster_id, team, app, host, port, database FROM cluster"
                + " WHERE cluster_id = ? AND NOT removed";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, clusterId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new AccessDirectory.ClusterEndpoint(rs.getString(1), rs.getString(2),
                        rs.getString(3), rs.getString(4), rs.getInt(5), rs.getString(6)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read cluster " + clusterId, e);
        }
    }

    private List<ClusterTarget> query(String sql, String parameter) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setString(1, parameter);
            }
            List<ClusterTarget> targets = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    targets.add(new ClusterTarget(rs.getString("cluster_id"), rs.getString("team"),
                            rs.getString("host"), rs.getInt("port"), rs.getString("database"),
                            rs.getString("application_role"),
                            Arrays.asList((String[]) rs.getArray("schemas").getArray()),
                            rs.getString("admin_secret_ref")));
                }
            }
            return targets;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read clusters", e);
        }
    }
}
