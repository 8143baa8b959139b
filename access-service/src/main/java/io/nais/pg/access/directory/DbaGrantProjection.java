package io.nais.pg.access.directory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.nais.pg.access.directory.AccessDirectory.ActiveGrant;

/**
 * The {@code dba_grant} table: which DBA holds superuser on which cluster until
 * when. An ended grant never becomes active again, whatever order events arrive in.
 */
@ApplicationScoped
public class DbaGrantProjection {

    /** A grant that stopped being active, with whom and where it concerned. */
    public record Ended(String grantId, String clusterId, String email) {
    }

    private static final String GRANTED = """
            INSERT INTO dba_grant (grant_id, cluster_id, email, expires_at, active, event_time)
            VALUES (?, ?, ?, ?, true, ?)
            ON CONFLICT (grant_id) DO NOTHING
            """;
    private static final String END = """
            INSERT INTO dba_grant (grant_id, cluster_id, email, active, ended_reason, event_time)
            VALUES (?, ?, ?, false, ?, ?)
            ON CONFLICT (grant_id) DO UPDATE SET active = false, ended_reason = excluded.ended_reason
            WHERE dba_grant.active
            RETURNING grant_id
            """;
    /* Replicas skip each other's rows: each deadline is handled by one of them. */
    private static final String CLAIM_DUE = """
            UPDATE dba_grant SET active = false, ended_reason = 'deadline'
            WHERE active AND grant_id IN (
                SELECT grant_id FROM dba_grant WHERE active AND expires_at <= ? FOR UPDATE SKIP LOCKED)
            RETURNING grant_id, cluster_id, email
            """;
    private static final String ACTIVE = """
            SELECT grant_id, expires_at FROM dba_grant
            WHERE cluster_id = ? AND lower(email) = lower(?) AND active AND expires_at > ?
            ORDER BY expires_at DESC LIMIT 1
            """;
    private static final String NEXT_DEADLINE = "SELECT min(expires_at) FROM dba_grant WHERE active";
    private static final String GRANTEES = """
            SELECT email FROM dba_grant WHERE cluster_id = ? AND active AND expires_at > ?
            """;

    private final DataSource dataSource;

    DbaGrantProjection(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records an approved grant; false when the grant is known already (a replay, or it ended first). */
    public boolean granted(String grantId, String clusterId, String email, Instant expiresAt, Instant eventTime) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(GRANTED)) {
            s.setString(1, grantId);
            s.setString(2, clusterId);
            s.setString(3, email);
            s.setObject(4, timestamp(expiresAt));
            s.setObject(5, timestamp(eventTime));
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not record grant " + grantId, e);
        }
    }

    /** Ends the grant; true when it was active until now. */
    public boolean end(String grantId, String clusterId, String email, String reason, Instant eventTime) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(END)) {
            s.setString(1, grantId);
            s.setString(2, clusterId);
            s.setString(3, email);
            s.setString(4, reason);
            s.setObject(5, timestamp(eventTime));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not end grant " + grantId, e);
        }
    }

    /** Ends every active grant whose expiresAt is at or before {@code now}. */
    public List<Ended> endDue(Instant now) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(CLAIM_DUE)) {
            s.setObject(1, timestamp(now));
            List<Ended> ended = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ended.add(new Ended(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            return ended;
        } catch (SQLException e) {
            throw new IllegalStateException("could not end due grants", e);
        }
    }

    /** The earliest expiresAt of the active grants, if any. */
    public Optional<Instant> nextDeadline() {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(NEXT_DEADLINE);
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the next grant deadline", e);
        }
    }

    public Optional<ActiveGrant> active(String clusterId, String email, Instant now) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(ACTIVE)) {
            s.setString(1, clusterId);
            s.setString(2, email);
            s.setObject(3, timestamp(now));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new ActiveGrant(rs.getString(1),
                        rs.getObject(2, OffsetDateTime.class).toInstant())) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read grants of " + clusterId, e);
        }
    }

    /** Everyone holding an active grant on the cluster at {@code now}. */
    public Set<String> grantees(String clusterId, Instant now) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(GRANTEES)) {
            s.setString(1, clusterId);
            s.setObject(2, timestamp(now));
            Set<String> emails = new LinkedHashSet<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    emails.add(rs.getString(1));
                }
            }
            return emails;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read grants of " + clusterId, e);
        }
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
