package io.nais.pg.backup.migrate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.nais.pg.kit.jdbc.Rows;

/**
 * {@code migration_job}: who asked for which migration, and how it ended
 * (the finished {@link MigrationStatus}). Never the source's URL or password.
 */
@ApplicationScoped
class MigrationJobRows {

    private final DataSource dataSource;
    private final ObjectMapper json;

    MigrationJobRows(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** A started migration: its row says RUNNING until {@link #finish} (or a restart's {@link #runningOnes}). */
    void insert(RunningMigration job) {
        update("INSERT INTO migration_job (migration_id, cluster_id, team, requested_by, state, started_at)"
                + " VALUES (?, ?, ?, ?, 'RUNNING', ?)", ps -> {
            ps.setObject(1, job.migrationId());
            ps.setString(2, job.clusterId());
            ps.setString(3, job.team());
            ps.setString(4, job.requestedBy());
            ps.setTimestamp(5, Timestamp.from(job.startedAt()));
        });
    }

    void finish(MigrationStatus outcome) {
        update("UPDATE migration_job SET state = ?, finished_at = ?, outcome = ?::jsonb WHERE migration_id = ?", ps -> {
            ps.setString(1, outcome.state());
            ps.setTimestamp(2, Timestamp.from(outcome.finishedAt()));
            ps.setString(3, write(outcome));
            ps.setObject(4, outcome.migrationId());
        });
    }

    /** The team of a migration, to decide who may follow it. */
    Optional<String> team(UUID migrationId) {
        return query("SELECT team FROM migration_job WHERE migration_id = ?", migrationId, rs -> rs.getString(1)).stream()
                .findFirst();
    }

    /** A finished migration's answer; empty for an unknown or still running one. */
    Optional<MigrationStatus> outcome(UUID migrationId) {
        return query("SELECT outcome::text FROM migration_job WHERE migration_id = ? AND outcome IS NOT NULL", migrationId,
                rs -> read(rs.getString(1))).stream().findFirst();
    }

    /** Rows still RUNNING: at start-up, migrations a previous process of this service never finished. */
    List<RunningMigration> runningOnes() {
        return query("SELECT migration_id, cluster_id, team, requested_by, started_at FROM migration_job"
                + " WHERE state = 'RUNNING'", null, rs -> new RunningMigration(
                rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5).toInstant()));
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private void update(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write migration_job (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    private <T> List<T> query(String sql, UUID parameter, Reader<T> reader) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setObject(1, parameter);
            }
            return Rows.all(ps, reader::read);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read migration_job (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    private String write(MigrationStatus outcome) {
        try {
            return json.writeValueAsString(outcome);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not encode the outcome of migration " + outcome.migrationId(), e);
        }
    }

    private MigrationStatus read(String text) throws SQLException {
        try {
            return json.readValue(text, MigrationStatus.class);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable outcome in migration_job", e);
        }
    }
}
