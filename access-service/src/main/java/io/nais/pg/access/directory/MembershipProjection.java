package io.nais.pg.access.directory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    /**
     * Per person the batch's newest fact (DISTINCT ON, which also keeps one statement from touching a row twice),
     * then a newest-wins upsert: the stored row changes only for a newer (event time, event id). Sorted by (team,
     * email), so concurrent batches lock their rows in one order.
     */
    private static final String APPLY = """
            INSERT INTO team_member AS t (team, email, member, event_time, event_id)
            SELECT DISTINCT ON (f.team, f.email) f.team, f.email, f.member, f.event_time::timestamptz, f.event_id
              FROM unnest(?::text[], ?::text[], ?::boolean[], ?::text[], ?::uuid[])
                   AS f(team, email, member, event_time, event_id)
             ORDER BY f.team, f.email, f.event_time::timestamptz DESC, f.event_id DESC
            ON CONFLICT (team, email) DO UPDATE
               SET member = EXCLUDED.member, event_time = EXCLUDED.event_time, event_id = EXCLUDED.event_id
             WHERE (t.event_time, t.event_id) < (EXCLUDED.event_time, EXCLUDED.event_id)
            RETURNING t.team, t.email, t.member
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
        return !applyAll(List.of(new Fact(team, email, member, eventTime, eventId))).isEmpty();
    }

    /** A membership fact from one event: whether {@code email} is in {@code team} as of {@code eventTime}. */
    public record Fact(String team, String email, boolean member, Instant eventTime, UUID eventId) {
    }

    /** What a person's membership became because a batch's fact was the newest. */
    public record Change(String team, String email, boolean member) {
    }

    /**
     * {@link #apply} for a batch of facts, in one statement. The outcome is the same as applying them one by
     * one in any order: per person, the newest of the stored and the batch's facts wins.
     *
     * @return one change per person whose stored membership a fact of the batch replaced (or created)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Change> applyAll(List<Fact> facts) {
        if (facts.isEmpty()) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(APPLY)) {
            ps.setArray(1, c.createArrayOf("text", facts.stream().map(Fact::team).toArray()));
            ps.setArray(2, c.createArrayOf("text", facts.stream().map(Fact::email).toArray()));
            ps.setArray(3, c.createArrayOf("bool", facts.stream().map(Fact::member).toArray()));
            // ISO-8601 text with its offset: timestamptz keeps it to the microsecond whatever the session time zone
            ps.setArray(4, c.createArrayOf("text", facts.stream().map(f -> f.eventTime().toString()).toArray()));
            ps.setArray(5, c.createArrayOf("uuid", facts.stream().map(Fact::eventId).toArray()));
            List<Change> changes = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    changes.add(new Change(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
                }
            }
            return changes;
        } catch (SQLException e) {
            throw new IllegalStateException("could not project " + facts.size() + " membership facts", e);
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
