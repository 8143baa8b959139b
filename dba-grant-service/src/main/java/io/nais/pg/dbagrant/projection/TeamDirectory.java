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
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.nais.pg.kit.membership.MembershipProjection;

/**
 * The service's own projection of cluster ownership: which team owns which
 * cluster. It converges to the newest event by envelope time, so a late or
 * replayed event changes nothing. Team membership is the kit's
 * {@link MembershipProjection} over this service's {@code team_member} table
 * (produced here, as a bean of its own).
 */
@ApplicationScoped
public class TeamDirectory {

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

    @Produces
    @Singleton
    static MembershipProjection members(DataSource dataSource) {
        return new MembershipProjection(dataSource, "team_member");
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

    public void applyCluster(String clusterId, String team, boolean removed, Instant eventTime) {
        try (Connection c = dataSource.getConnection(); PreparedStatement u = c.prepareStatement(UPSERT_CLUSTER)) {
            u.setString(1, clusterId);
            u.setString(2, team);
            u.setBoolean(3, removed);
            u.setObject(4, OffsetDateTime.ofInstant(eventTime, ZoneOffset.UTC));
            u.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record the owner of cluster " + clusterId, e);
        }
    }
}
