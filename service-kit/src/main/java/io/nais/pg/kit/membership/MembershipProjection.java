package io.nais.pg.kit.membership;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.InvalidEventException;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.tools.Quote;

/**
 * A service's own projection of the team membership topic: who is on which
 * team, as of the newest TeamMemberAdded/TeamMemberRemoved by envelope time,
 * so a late or replayed event changes nothing.
 *
 * <p>Each service keeps the table in its own schema (its own Flyway migration,
 * columns {@code team, email, member, event_time}, key {@code (team, email)});
 * this class is the one implementation of the rules over it. Emails are stored
 * lower-cased and compared case-insensitively: the identity provider may spell
 * an address differently from the team's member list, and one person must be
 * one row, or a removal spelled differently would leave an old "member" row.
 */
public final class MembershipProjection {

    private final DataSource dataSource;
    private final String upsert;
    private final String isMember;
    private final String teamsOf;

    /** @param table the service's membership table (a fixed name from code; quoted here all the same) */
    public MembershipProjection(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        String quoted = Quote.identifier(table);
        this.upsert = """
                INSERT INTO %1$s AS m (team, email, member, event_time) VALUES (?, lower(?), ?, ?)
                ON CONFLICT (team, email) DO UPDATE SET member = excluded.member, event_time = excluded.event_time
                WHERE m.event_time <= excluded.event_time
                """.formatted(quoted);
        this.isMember = "SELECT 1 FROM %s WHERE team = ? AND email = lower(?) AND member".formatted(quoted);
        this.teamsOf = "SELECT team FROM %s WHERE email = lower(?) AND member ORDER BY team".formatted(quoted);
    }

    /**
     * Applies a membership event; anything else is refused as invalid, so the
     * caller's consumer sends it to the dead-letter topic.
     */
    public void apply(Envelope<?> envelope) {
        Instant time = envelope.metadata().time();
        if (envelope.data() instanceof TeamMemberAdded added) {
            apply(added.team(), added.email(), true, time);
        } else if (envelope.data() instanceof TeamMemberRemoved removed) {
            apply(removed.team(), removed.email(), false, time);
        } else {
            throw new InvalidEventException(envelope.type(), "/type", "not a team membership event");
        }
    }

    /** Records one membership fact unless a newer one is already known. */
    public void apply(String team, String email, boolean member, Instant eventTime) {
        try (Connection c = dataSource.getConnection(); PreparedStatement statement = c.prepareStatement(upsert)) {
            statement.setString(1, team);
            statement.setString(2, email);
            statement.setBoolean(3, member);
            statement.setObject(4, OffsetDateTime.ofInstant(eventTime, ZoneOffset.UTC));
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record membership of team " + team, e);
        }
    }

    /** The teams the person is a member of, as of the newest membership events. */
    public List<String> teamsOf(String email) {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(teamsOf)) {
            query.setString(1, email);
            List<String> teams = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    teams.add(rows.getString(1));
                }
            }
            return teams;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the teams of a person", e);
        }
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
}
