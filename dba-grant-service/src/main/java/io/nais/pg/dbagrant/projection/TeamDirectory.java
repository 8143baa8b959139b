package io.nais.pg.dbagrant.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The service's own projections of team membership and cluster ownership.
 * Both converge to the newest event by envelope time, so a late or replayed
 * event changes nothing.
 */
@ApplicationScoped
public class TeamDirectory {

    private static final String UPSERT_MEMBER = """
            INSERT INTO team_member (team, email, member, event_time) VALUES (?, ?, ?, ?)
            ON CONFLICT (team, email) DO UPDATE SET member = excluded.member, event_time = excluded.event_time
            WHERE team_member.event_time <= excluded.event_time
            """;
    private static final String IS_MEMBER = """
            SELECT 1 FROM team_member WHERE team = ? AND lower(email) = lower(?) AND member
            """;
    private static final String UPSERT_CLUSTER = """
            INSERT INTO cluster_team (cluster_id, team, removed, event_time) VALUES (?, ?, ?, ?)
            ON CONFLICT (cluster_id) DO UPDATE SET team = excluded.team, removed = excluded.removed,
                event_time = excluded.event_time
            WHERE cluster_team.event_time <= excluded.event_time
            """;
    private static final String TEAM_OF = "SELECT team FROM cluster_team WHERE cluster_id = ? AND NOT removed";

    private final DataSource dataSource;

    TeamDirectory(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void applyMembership(String team, String email, boolean member, Instant eventTime) {
        update(UPSERT_MEMBER, team, email, member, eventTime);
    }

    public void applyCluster(String clusterId, String team, boolean removed, Instant eventTime) {
        update(UPSERT_CLUSTER, clusterId, team, removed, eventTime);
    }

    /** Whether the person is a member of the team as of the newest membership event (emails compare case-insensitively). */
    public boolean isMember(String team, String email) {
        try (Connection c = dataSource.getConnection(); PreparedStatement q = c.prepareStatement(IS_MEMBER)) {
            q.setString(1, team);
            q.setString(2, email);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read membership of team " + team, e);
        }
    }

    /** The team that owns a known, not removed cluster. */
    public Optional<String> teamOf(String clusterId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement q = c.prepareStatement(TEAM_OF)) {
            q.setString(1, clusterId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the team of cluster " + clusterId, e);
        }
    }

    private void update(String sql, String key, String value, boolean flag, Instant eventTime) {
        try (Connection c = dataSource.getConnection(); PreparedStatement u = c.prepareStatement(sql)) {
            u.setString(1, key);
            u.setString(2, value);
            u.setBoolean(3, flag);
            u.setObject(4, OffsetDateTime.ofInstant(eventTime, ZoneOffset.UTC));
            u.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not update projection for " + key, e);
        }
    }
}
