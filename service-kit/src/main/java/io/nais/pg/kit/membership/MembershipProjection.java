package io.nais.pg.kit.membership;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.InvalidEventException;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.tools.Quote;

/**
 * A service's own projection of the team membership topic: who is on which
 * team, as of the newest TeamMemberAdded/TeamMemberRemoved by envelope time,
 * then event id as a tie-break, so a late, duplicate or replayed event changes
 * nothing, and every replica decides a tie alike.
 *
 * <p>Each service keeps the table in its own schema (its own Flyway migration,
 * columns {@code team, email, member, event_time, event_id}, key
 * {@code (team, email)}); this class is the one implementation of the rules
 * over it. Emails are stored lower-cased and compared case-insensitively: the
 * identity provider may spell an address differently from the team's member
 * list, and one person must be one row, or a removal spelled differently would
 * leave an old "member" row.
 */
public final class MembershipProjection {

    /** A membership fact from one event: whether {@code email} is in {@code team} as of {@code eventTime}. */
    public record Fact(String team, String email, boolean member, Instant eventTime, UUID eventId) {
    }

    /** What a person's membership became because a batch's fact was the newest. */
    public record Change(String team, String email, boolean member) {
    }

    private final DataSource dataSource;
    private final String applyAll;
    private final String isMember;
    private final String teamsOf;
    private final String members;

    /** @param table the service's membership table (a fixed name from code; quoted here all the same) */
    public MembershipProjection(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        String quoted = Quote.identifier(table);
        // Per person the batch's newest fact (DISTINCT ON, which also keeps one statement from touching a row
        // twice), then a newest-wins upsert. Sorted by (team, email), so concurrent batches lock rows in one order.
        this.applyAll = """
                INSERT INTO %1$s AS t (team, email, member, event_time, event_id)
                SELECT DISTINCT ON (f.team, f.email) f.team, f.email, f.member, f.event_time, f.event_id
                  FROM (SELECT u.team, lower(u.email) AS email, u.member, u.event_time::timestamptz AS event_time,
                               u.event_id
                          FROM unnest(?::text[], ?::text[], ?::boolean[], ?::text[], ?::uuid[])
                               AS u(team, email, member, event_time, event_id)) AS f
                 ORDER BY f.team, f.email, f.event_time DESC, f.event_id DESC
                ON CONFLICT (team, email) DO UPDATE
                   SET member = EXCLUDED.member, event_time = EXCLUDED.event_time, event_id = EXCLUDED.event_id
                 WHERE (t.event_time, t.event_id) < (EXCLUDED.event_time, EXCLUDED.event_id)
                RETURNING t.team, t.email, t.member
                """.formatted(quoted);
        this.isMember = "SELECT 1 FROM %s WHERE team = ? AND email = lower(?) AND member".formatted(quoted);
        this.teamsOf = "SELECT team FROM %s WHERE email = lower(?) AND member ORDER BY team".formatted(quoted);
        this.members = "SELECT email FROM %s WHERE team = ? AND member ORDER BY email".formatted(quoted);
    }

    /**
     * Applies a membership event; anything else is refused as invalid, so the
     * caller's consumer sends it to the dead-letter topic.
     */
    public void apply(Envelope<?> envelope) {
        applyAll(List.of(fact(envelope)));
    }

    /** The membership fact an event states; anything but a membership event is refused as invalid. */
    public static Fact fact(Envelope<?> envelope) {
        Instant time = envelope.metadata().time();
        UUID id = envelope.metadata().id();
        if (envelope.data() instanceof TeamMemberAdded added) {
            return new Fact(added.team(), added.email(), true, time, id);
        }
        if (envelope.data() instanceof TeamMemberRemoved removed) {
            return new Fact(removed.team(), removed.email(), false, time, id);
        }
        throw new InvalidEventException(envelope.type(), "/type", "not a team membership event");
    }

    /**
     * Records a batch of facts in one statement. The outcome is the same as applying them one by one in any
     * order: per person, the newest of the stored and the batch's facts wins.
     *
     * @return one change per person whose stored membership a fact of the batch replaced (or created)
     */
    public List<Change> applyAll(List<Fact> facts) {
        if (facts.isEmpty()) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(applyAll)) {
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

    /** The teams the person is a member of, as of the newest membership events. */
    public List<String> teamsOf(String email) {
        return strings(teamsOf, email, "could not read the teams of a person");
    }

    /** The team's members, as of the newest membership events. */
    public List<String> members(String team) {
        return strings(members, team, "could not read members of team " + team);
    }

    /** Whether the person is a member of the team as of the newest membership event. */
    public boolean isMember(String team, String email) {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(isMember)) {
            query.setString(1, team);
            query.setString(2, email);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read membership of team " + team, e);
        }
    }

    private List<String> strings(String sql, String parameter, String failure) {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(sql)) {
            query.setString(1, parameter);
            List<String> values = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(failure, e);
        }
    }
}
