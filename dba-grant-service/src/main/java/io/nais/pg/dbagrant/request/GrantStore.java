package io.nais.pg.dbagrant.request;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.nais.pg.dbagrant.model.Grant;
import io.nais.pg.dbagrant.model.GrantState;

/**
 * The {@code dba_grant} table: the grants are the durable timers. Every state
 * change is a conditional UPDATE on the expected state, so two callers racing
 * on one grant cannot both win; the loser sees an empty result.
 */
@ApplicationScoped
public class GrantStore {

    private static final String COLUMNS = """
            grant_id, cluster_id, team, requester, reason, extract(epoch FROM duration)::bigint, state,
            decided_by, requested_at, granted_at, expires_at""";
    private static final String INSERT = """
            INSERT INTO dba_grant (grant_id, cluster_id, team, requester, reason, duration, state, requested_at)
            VALUES (?, ?, ?, ?, ?, make_interval(secs => ?), 'REQUESTED', ?)
            ON CONFLICT (grant_id) DO NOTHING
            """;
    private static final String FIND = "SELECT " + COLUMNS + " FROM dba_grant WHERE grant_id = ?";
    private static final String FIND_FOR_UPDATE = FIND + " FOR UPDATE";
    private static final String LIST = "SELECT " + COLUMNS + """
             FROM dba_grant WHERE (?::text IS NULL OR cluster_id = ?) AND (?::text IS NULL OR state = ?)
              AND (?::text[] IS NULL OR team = ANY(?::text[]) OR requester = ?)
            ORDER BY requested_at DESC LIMIT 1000
            """;
    private static final String DECIDE = """
            UPDATE dba_grant SET state = ?, decided_by = coalesce(?, decided_by),
                granted_at = coalesce(?, granted_at), expires_at = coalesce(?, expires_at)
            WHERE grant_id = ? AND state = ?
            """;
    /*
     * Claims due grants: rows another transaction holds are skipped, not waited
     * for, and the outer state check re-reads each row after locking it, so a
     * grant is moved out of GRANTED (and its event queued) by exactly one caller.
     */
    private static final String CLAIM_DUE = """
            UPDATE dba_grant SET state = 'EXPIRED'
            WHERE state = 'GRANTED' AND grant_id IN (
                SELECT grant_id FROM dba_grant WHERE state = 'GRANTED' AND expires_at <= ?
                ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)
            RETURNING""" + " " + COLUMNS;
    private static final String CLAIM_STALE = """
            UPDATE dba_grant SET state = 'EXPIRED', decided_by = ?
            WHERE state = 'REQUESTED' AND grant_id IN (
                SELECT grant_id FROM dba_grant WHERE state = 'REQUESTED' AND requested_at <= ?
                ORDER BY requested_at LIMIT ? FOR UPDATE SKIP LOCKED)
            RETURNING""" + " " + COLUMNS;

    private final DataSource dataSource;

    GrantStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Stores a new request; false when a grant with this id exists already (a redelivered or echoed request). */
    public boolean insert(Grant grant) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(INSERT)) {
            s.setString(1, grant.grantId().toString());
            s.setString(2, grant.clusterId());
            s.setString(3, grant.team());
            s.setString(4, grant.requester());
            s.setString(5, grant.reason());
            s.setLong(6, grant.duration().toSeconds());
            s.setObject(7, timestamp(grant.requestedAt()));
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not store grant " + grant.grantId(), e);
        }
    }

    public Optional<Grant> find(UUID grantId) {
        return findOne(FIND, grantId);
    }

    /** The grant, locked until the caller's transaction ends: decisions on one grant run one at a time. */
    public Optional<Grant> lock(UUID grantId) {
        return findOne(FIND_FOR_UPDATE, grantId);
    }

    /**
     * @param visibleTo whose grants: those of the person's teams and the person's own requests; {@code null}
     *                  for every grant (a platform admin)
     */
    public List<Grant> list(String clusterId, GrantState state, Viewer visibleTo) {
        String stateName = state == null ? null : state.name();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(LIST)) {
            s.setString(1, clusterId);
            s.setString(2, clusterId);
            s.setString(3, stateName);
            s.setString(4, stateName);
            Array teams = visibleTo == null ? null : c.createArrayOf("text", visibleTo.teams().toArray());
            s.setArray(5, teams);
            s.setArray(6, teams);
            s.setString(7, visibleTo == null ? null : visibleTo.email());
            return readAll(s);
        } catch (SQLException e) {
            throw new IllegalStateException("could not list grants", e);
        }
    }

    /** Someone who sees only the grants of their teams and their own requests. */
    public record Viewer(String email, List<String> teams) {

        public Viewer {
            teams = List.copyOf(teams);
        }

        public boolean sees(Grant grant) {
            return teams.contains(grant.team()) || grant.requester().equals(email);
        }
    }

    /**
     * Moves the grant from {@code from} to {@code to}; null arguments keep the stored value (a revocation keeps
     * the approver and times). False when the grant was no longer in {@code from}.
     */
    public boolean decide(UUID grantId, GrantState from, GrantState to, String decidedBy, Instant grantedAt,
                          Instant expiresAt) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(DECIDE)) {
            s.setString(1, to.name());
            s.setString(2, decidedBy);
            s.setObject(3, timestamp(grantedAt));
            s.setObject(4, timestamp(expiresAt));
            s.setString(5, grantId.toString());
            s.setString(6, from.name());
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not update grant " + grantId, e);
        }
    }

    /** How many grants are in {@code state} now (the operator's gauges). */
    public long count(GrantState state) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM dba_grant WHERE state = ?")) {
            s.setString(1, state.name());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not count grants", e);
        }
    }

    /**
     * Seconds the most overdue grant is past its expiry and still GRANTED (0 when none is): non-zero beyond a
     * timer interval means the timer is not firing (every replica down, or its runs failing).
     */
    public double overdueSeconds(Instant now) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT coalesce(extract(epoch FROM ?::timestamptz - min(expires_at)), 0) FROM dba_grant
                 WHERE state = 'GRANTED' AND expires_at <= ?
                """)) {
            s.setObject(1, timestamp(now));
            s.setObject(2, timestamp(now));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read overdue grants", e);
        }
    }

    /** Marks up to {@code limit} grants due at {@code now} EXPIRED and returns them (their state before is GRANTED). */
    public List<Grant> claimDue(Instant now, int limit) {
        return claim(CLAIM_DUE, null, now, limit);
    }

    /** Marks up to {@code limit} requests filed at or before {@code requestedBefore} EXPIRED, unanswered. */
    public List<Grant> claimStale(String closedBy, Instant requestedBefore, int limit) {
        return claim(CLAIM_STALE, closedBy, requestedBefore, limit);
    }

    private List<Grant> claim(String sql, String closedBy, Instant at, int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            if (closedBy != null) {
                s.setString(i++, closedBy);
            }
            s.setObject(i++, timestamp(at));
            s.setInt(i, limit);
            return readAll(s);
        } catch (SQLException e) {
            throw new IllegalStateException("could not claim due grants", e);
        }
    }

    private Optional<Grant> findOne(String sql, UUID grantId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, grantId.toString());
            List<Grant> found = readAll(s);
            return found.stream().findFirst();
        } catch (SQLException e) {
            throw new IllegalStateException("could not read grant " + grantId, e);
        }
    }

    private static List<Grant> readAll(PreparedStatement s) throws SQLException {
        List<Grant> grants = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                grants.add(new Grant(UUID.fromString(rs.getString(1)), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), Duration.ofSeconds(rs.getLong(6)),
                        GrantState.valueOf(rs.getString(7)), rs.getString(8), instant(rs, 9), instant(rs, 10),
                        instant(rs, 11)));
            }
        }
        return grants;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
