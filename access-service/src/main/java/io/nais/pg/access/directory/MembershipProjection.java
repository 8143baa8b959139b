package io.nais.pg.access.directory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * The newest membership fact per (team, email). An event only wins when it is
 * newer (envelope time, then event id as a tie-break) than what is stored, so
 * late and duplicate events change nothing.
 */
@ApplicationScoped
public class MembershipProjection {

    private static final String APPLY = """
            INSERT INTO team_member (team, email, member, event_time, event_id) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (team, email) DO UPDATE
               SET member = EXCLUDED.member, event_time = EXCLUDED.event_time, event_id = EXCLUDED.event_id
             WHERE (team_member.event_time, team_member.event_id) < (EXCLUDED.event_time, EXCLUDED.event_id)
            RETURNING (xmax = 0) AS inserted
            """;
    private static final String IS_MEMBER = "SELECT member FROM team_member WHERE team = ? AND email = ?";
    private static final String MEMBERS = "SELECT email FROM team_member WHERE team = ? AND member ORDER BY email";

    private final DataSource dataSource;

    MembershipProjection(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @return whether the event was newer than the stored state (and so was applied) */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean apply(String team, String email, boolean member, Instant eventTime, UUID eventId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(APPLY)) {
            ps.setString(1, team);
            ps.setString(2, email);
            ps.setBoolean(3, member);
            ps.setTimestamp(4, Timestamp.from(eventTime));
            ps.setObject(5, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not project membership of team " + team, e);
        }
    }

    public boolean isMember(String team, String email) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(IS_MEMBER)) {
            ps.setString(1, team);
            ps.setString(2, email);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read membership of team " + team, e);
        }
    }

    public List<String> members(String team) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(MEMBERS)) {
            ps.setString(1, team);
            List<String> members = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    members.add(rs.getString(1));
                }
            }
            return members;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read members of team " + team, e);
        }
    }
}
