package io.nais.pg.backup.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The membership projection: who is on which team, as of the newest
 * TeamMemberAdded/TeamMemberRemoved by envelope time.
 */
@ApplicationScoped
public class TeamMembers {

    private static final String UPSERT = """
            INSERT INTO backup_team_member (team, email, member, event_time) VALUES (?, lower(?), ?, ?)
            ON CONFLICT (team, email) DO UPDATE SET member = excluded.member, event_time = excluded.event_time
            WHERE backup_team_member.event_time <= excluded.event_time
            """;
    private static final String IS_MEMBER = """
            SELECT 1 FROM backup_team_member WHERE team = ? AND email = lower(?) AND member
            """;

    private final DataSource dataSource;

    TeamMembers(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records one membership fact unless a newer one is already known. Emails compare case-insensitively. */
    public void apply(String team, String email, boolean member, Instant eventTime) {
        try (Connection c = dataSource.getConnection(); PreparedStatement upsert = c.prepareStatement(UPSERT)) {
            upsert.setString(1, team);
            upsert.setString(2, email);
            upsert.setBoolean(3, member);
            upsert.setObject(4, OffsetDateTime.ofInstant(eventTime, ZoneOffset.UTC));
            upsert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record membership of team " + team, e);
        }
    }

    public boolean isMember(String team, String email) {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(IS_MEMBER)) {
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
