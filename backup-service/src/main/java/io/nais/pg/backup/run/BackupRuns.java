package io.nais.pg.backup.run;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.nais.pg.backup.dump.Manifest;

/** The {@code backup_run} table: claims, outcomes, verification results. */
@ApplicationScoped
public class BackupRuns {

    private static final String COLUMNS = """
            SELECT backup_id, cluster_id, state, object_key, bytes, sha256, pg_version, started_at, finished_at,
                   duration_ms, detail, verified_at, verified_ok, verify_detail
              FROM backup_run
            """;
    private static final String ABANDON = """
            UPDATE backup_run SET state = 'FAILED', finished_at = now(), detail = 'abandoned: no outcome within the maximum duration'
             WHERE cluster_id = ? AND state = 'RUNNING' AND started_at < ?
            """;
    /** The partial unique index admits one RUNNING row per cluster; a second claim inserts nothing. */
    private static final String CLAIM = """
            INSERT INTO backup_run (backup_id, cluster_id, state, started_at, attempt) VALUES (?, ?, 'RUNNING', ?, ?)
            ON CONFLICT (cluster_id) WHERE state = 'RUNNING' DO NOTHING
            """;
    private static final String COMPLETE = """
            UPDATE backup_run SET state = 'COMPLETED', object_key = ?, bytes = ?, sha256 = ?, pg_version = ?,
                   finished_at = ?, duration_ms = ?, table_rows = ?::jsonb
             WHERE backup_id = ? AND state = 'RUNNING'
            """;
    private static final String FAIL = """
            UPDATE backup_run SET state = 'FAILED', finished_at = ?, detail = ? WHERE backup_id = ? AND state = 'RUNNING'
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;

    BackupRuns(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @return whether this run now holds the cluster (no other run is RUNNING there) */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean claim(UUID backupId, String clusterId, Instant startedAt, int attempt, Duration maxDuration) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement abandon = c.prepareStatement(ABANDON);
             PreparedStatement claim = c.prepareStatement(CLAIM)) {
            abandon.setString(1, clusterId);
            abandon.setTimestamp(2, Timestamp.from(startedAt.minus(maxDuration)));
            abandon.executeUpdate();
            claim.setObject(1, backupId);
            claim.setString(2, clusterId);
            claim.setTimestamp(3, Timestamp.from(startedAt));
            claim.setInt(4, attempt);
            return claim.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not claim a backup of " + clusterId, e);
        }
    }

    /**
     * A replica took over a night whose holder's lease ran out: the holder's
     * attempt, if still RUNNING, is abandoned so the new claim is not refused.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void abandonTakenOver(UUID backupId) {
        update("""
                UPDATE backup_run SET state = 'FAILED', finished_at = now(),
                       detail = 'abandoned: its replica''s lease on the night ran out'
                 WHERE backup_id = ? AND state = 'RUNNING'
                """, backupId);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void complete(Manifest manifest, Duration duration) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(COMPLETE)) {
            ps.setString(1, manifest.objectKey());
            ps.setLong(2, manifest.bytes());
            ps.setString(3, manifest.sha256());
            ps.setString(4, manifest.pgVersion());
            ps.setTimestamp(5, Timestamp.from(manifest.completedAt()));
            ps.setLong(6, duration.toMillis());
            ps.setString(7, JSON.writeValueAsString(manifest.tableRows()));
            ps.setObject(8, manifest.backupId());
            ps.executeUpdate();
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("could not record backup " + manifest.backupId(), e);
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void fail(UUID backupId, String reason, Instant at) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FAIL)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, reason);
            ps.setObject(3, backupId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record failed backup " + backupId, e);
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void markPruned(UUID backupId) {
        update("UPDATE backup_run SET state = 'PRUNED' WHERE backup_id = ? AND state = 'COMPLETED'", backupId);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void recordVerification(UUID backupId, boolean ok, String detail, Instant at) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE backup_run SET verified_at = ?, verified_ok = ?, verify_detail = ? WHERE backup_id = ?")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setBoolean(2, ok);
            ps.setString(3, detail);
            ps.setObject(4, backupId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record verification of " + backupId, e);
        }
    }

    public Optional<BackupRecord> find(UUID backupId) {
        return query(COLUMNS + " WHERE backup_id = ?", backupId).stream().findFirst();
    }

    /** Newest first. */
    public List<BackupRecord> ofCluster(String clusterId) {
        return query(COLUMNS + " WHERE cluster_id = ? ORDER BY started_at DESC", clusterId);
    }

    /** The stored (COMPLETED) backups of a cluster, newest first. */
    public List<BackupRecord> completed(String clusterId) {
        return query(COLUMNS + " WHERE cluster_id = ? AND state = 'COMPLETED' ORDER BY finished_at DESC", clusterId);
    }

    public Optional<BackupRecord> newestCompleted(String clusterId) {
        return completed(clusterId).stream().findFirst();
    }

    public boolean running(String clusterId) {
        return !query(COLUMNS + " WHERE cluster_id = ? AND state = 'RUNNING'", clusterId).isEmpty();
    }

    private void update(String sql, UUID backupId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, backupId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not update backup " + backupId, e);
        }
    }

    private List<BackupRecord> query(String sql, Object parameter) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, parameter);
            List<BackupRecord> records = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    records.add(new BackupRecord((UUID) rs.getObject(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), (Long) rs.getObject(5), rs.getString(6), rs.getString(7),
                            instant(rs.getTimestamp(8)), instant(rs.getTimestamp(9)), (Long) rs.getObject(10),
                            rs.getString(11), instant(rs.getTimestamp(12)), (Boolean) rs.getObject(13), rs.getString(14)));
                }
            }
            return records;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read backups", e);
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
