package io.nais.pg.access.provisioning.pass;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * The durable list of work for the reconciler: (cluster, person) pairs marked
 * dirty by the consumers, in the same transaction as the projection change, and
 * per cluster whether the group role or a full resync is due and when a failed
 * cluster may be tried again.
 */
@ApplicationScoped
public class ReconcileQueue {

    /**
     * A cluster's claimed work; {@code marks} are the mark numbers {@link #done} clears; {@code retried} are the
     * emails an earlier pass took and never finished ({@link #markTried}), whose changes may be unannounced.
     */
    public record Pending(List<String> emails, List<Long> marks, Set<String> retried, boolean fullResync,
                          boolean ensureGroups, int attempts) {
    }

    private final DataSource dataSource;

    ReconcileQueue(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A person marked dirty in a cluster of their team. */
    public record Marked(String clusterId, String team, String email) {
    }

    /**
     * Marks each (team, person) pair dirty in every live cluster of the team: every team's lock, then one
     * insert, so a polled batch of membership events costs two statements here, not two per event.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Marked> markMembers(List<String> teams, List<String> emails) {
        if (teams.isEmpty()) {
            return List.of();
        }
        // a statement of its own, so the insert below reads what a ClusterDiscovered that held a lock committed
        lockTeams(teams);
        try (Connection c = dataSource.getConnection()) {
            List<Marked> marked = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO role_sync (cluster_id, email)
                    SELECT DISTINCT cluster.cluster_id, p.email FROM unnest(?::text[], ?::text[]) AS p(team, email)
                      JOIN cluster ON cluster.team = p.team AND NOT cluster.removed
                    ON CONFLICT (cluster_id, email) DO UPDATE SET mark = nextval('role_sync_mark')
                    RETURNING cluster_id, (SELECT team FROM cluster WHERE cluster.cluster_id = role_sync.cluster_id),
                              email
                    """)) {
                ps.setArray(1, c.createArrayOf("text", teams.toArray()));
                ps.setArray(2, c.createArrayOf("text", emails.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        marked.add(new Marked(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
            return marked;
        } catch (SQLException e) {
            throw new IllegalStateException("could not mark " + emails.size() + " members", e);
        }
    }

    /**
     * Takes every team's lock until the caller's transaction ends. A member added while the team's cluster is
     * being discovered must be marked by one of the two transactions: without the lock each reads before the
     * other commits (a batch of membership events keeps its transaction open long enough for that to happen) and
     * the member is never provisioned there. With it, whichever marks second reads after the first committed.
     * Sorted, so two transactions that lock overlapping sets of teams (a membership batch, a batch of cluster
     * events) cannot deadlock.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockTeams(List<String> teams) {
        try (Connection c = dataSource.getConnection(); PreparedStatement lock = c.prepareStatement("""
                SELECT pg_advisory_xact_lock(hashtext('nais-team:' || t))
                  FROM (SELECT DISTINCT t FROM unnest(?::text[]) AS t ORDER BY t) AS teams
                """)) {
            lock.setArray(1, c.createArrayOf("text", teams.toArray()));
            lock.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("could not lock " + teams.size() + " teams", e);
        }
    }

    /** Marks one person dirty in one live cluster (a DBA grant began or ended); false when the cluster is unknown. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean markPerson(String clusterId, String email) {
        return !strings("""
                INSERT INTO role_sync (cluster_id, email)
                SELECT cluster_id, ? FROM cluster WHERE cluster_id = ? AND NOT removed
                ON CONFLICT (cluster_id, email) DO UPDATE SET mark = nextval('role_sync_mark')
                RETURNING cluster_id
                """, email, clusterId).isEmpty();
    }

    /** Marks each (cluster, person) pair dirty in one statement (many grants ended at once); unknown clusters are skipped. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void markPeople(List<String> clusterIds, List<String> emails) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO role_sync (cluster_id, email)
                SELECT DISTINCT p.cluster_id, p.email FROM unnest(?::text[], ?::text[]) AS p(cluster_id, email)
                  JOIN cluster USING (cluster_id) WHERE NOT cluster.removed
                ON CONFLICT (cluster_id, email) DO UPDATE SET mark = nextval('role_sync_mark')
                """)) {
            ps.setArray(1, c.createArrayOf("text", clusterIds.toArray()));
            ps.setArray(2, c.createArrayOf("text", emails.toArray()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not mark " + emails.size() + " people", e);
        }
    }

    /**
     * Marks every current member of the cluster's team dirty there and asks for the group role. The caller holds
     * the team's lock ({@link #lockTeams}), taken for its whole batch before the first event.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void markCluster(String clusterId, String team) {
        update("""
                INSERT INTO cluster_sync (cluster_id, ensure_groups) VALUES (?, true)
                ON CONFLICT (cluster_id) DO UPDATE SET ensure_groups = true, attempts = 0, next_attempt_at = now()
                """, clusterId);
        update("""
                INSERT INTO role_sync (cluster_id, email)
                SELECT ?, email FROM team_member WHERE team = ? AND member
                ON CONFLICT (cluster_id, email) DO UPDATE SET mark = nextval('role_sync_mark')
                """, clusterId, team);
    }

    /** A removed cluster is forgotten: no SQL is ever sent to it again. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forget(String clusterId) {
        update("DELETE FROM role_sync WHERE cluster_id = ?", clusterId);
        update("DELETE FROM role_removal_pending WHERE cluster_id = ?", clusterId);
        update("DELETE FROM cluster_sync WHERE cluster_id = ?", clusterId);
    }

    /** Asks for a full resync of every live cluster (the periodic drift repair). */
    @Transactional
    public List<String> markAllForResync() {
        return strings("""
                UPDATE cluster_sync s SET full_resync = true, ensure_groups = true
                  FROM cluster c WHERE c.cluster_id = s.cluster_id AND NOT c.removed
                RETURNING s.cluster_id
                """);
    }

    /**
     * Live clusters whose last reconcile attempt failed and that wait for a retry (a pass that succeeds resets
     * {@code attempts}): the gauge an operator alerts on.
     */
    public long failingClusters() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT count(*) FROM cluster_sync s JOIN cluster c ON c.cluster_id = s.cluster_id
                 WHERE s.attempts > 0 AND NOT c.removed
                """); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("reconcile queue query failed", e);
        }
    }

    /**
     * Seconds since the oldest mark on a live cluster was made (0 when nothing waits): how far provisioning is
     * behind, whether its cluster is failing or the passes are slow.
     */
    public double oldestMarkAgeSeconds() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT coalesce(extract(epoch FROM now() - min(r.marked_at)), 0)
                  FROM role_sync r JOIN cluster c ON c.cluster_id = r.cluster_id
                 WHERE NOT c.removed
                """); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getDouble(1);
        } catch (SQLException e) {
            throw new IllegalStateException("reconcile queue query failed", e);
        }
    }

    /** Clusters with work whose backoff has passed. */
    @Transactional
    public List<String> due() {
        return strings("""
                SELECT s.cluster_id FROM cluster_sync s
                 WHERE s.next_attempt_at <= now()
                   AND (s.full_resync OR s.ensure_groups
                        OR EXISTS (SELECT FROM role_sync r WHERE r.cluster_id = s.cluster_id))
                """);
    }

    /**
     * Locks the cluster's row for the caller's transaction and reads its work.
     * Empty when another replica holds it, its backoff has not passed, or there is nothing to do.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Pending> claim(String clusterId) {
        try (Connection c = dataSource.getConnection()) {
            boolean full;
            boolean groups;
            int attempts;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT full_resync, ensure_groups, attempts FROM cluster_sync
                     WHERE cluster_id = ? AND next_attempt_at <= now() FOR UPDATE SKIP LOCKED
                    """)) {
                ps.setString(1, clusterId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    full = rs.getBoolean(1);
                    groups = rs.getBoolean(2);
                    attempts = rs.getInt(3);
                }
            }
            List<String> emails = new ArrayList<>();
            List<Long> marks = new ArrayList<>();
            Set<String> retried = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT email, mark, tried FROM role_sync WHERE cluster_id = ? ORDER BY email")) {
                ps.setString(1, clusterId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        emails.add(rs.getString(1));
                        marks.add(rs.getLong(2));
                        if (rs.getBoolean(3)) {
                            retried.add(rs.getString(1));
                        }
                    }
                }
            }
            if (emails.isEmpty() && !full && !groups) {
                return Optional.empty();
            }
            return Optional.of(new Pending(emails, marks, retried, full, groups, attempts));
        } catch (SQLException e) {
            throw new IllegalStateException("could not claim cluster " + clusterId, e);
        }
    }

    /**
     * Records that a pass took these people's marks, in a transaction of its own that commits before the pass
     * touches the cluster: should the pass die before its commit, the pass that claims the marks next knows that
     * the cluster may have changed without an announcement ({@link Pending#retried}).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void markTried(String clusterId, Pending work) {
        if (work.emails().size() == work.retried().size()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE role_sync SET tried = true WHERE cluster_id = ? AND email = ANY (?) AND NOT tried")) {
            ps.setString(1, clusterId);
            ps.setArray(2, c.createArrayOf("text", work.emails().toArray()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not mark the work of cluster " + clusterId + " as tried", e);
        }
    }

    /**
     * The roles a pass is about to remove, in a transaction of its own that commits before the pass's cluster
     * transaction: should the pass die after the cluster's commit and before its own, the next pass announces
     * the removal ({@link #unannouncedRemovals}).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void removing(String clusterId, Set<String> roleNames) {
        update("""
                INSERT INTO role_removal_pending (cluster_id, role_name) SELECT ?, unnest(?::text[])
                ON CONFLICT DO NOTHING
                """, clusterId, roleNames.toArray(String[]::new));
    }

    /** Roles an earlier pass removed, or was about to, and never announced: it died before its commit. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Set<String> unannouncedRemovals(String clusterId) {
        return new HashSet<>(strings("SELECT role_name FROM role_removal_pending WHERE cluster_id = ?", clusterId));
    }

    /**
     * Clears exactly the marks the claim read (a newer mark stays, no longer tried: this pass announced what it
     * found) and resets the backoff.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void done(String clusterId, Pending work) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     DELETE FROM role_sync r USING unnest(?::text[], ?::bigint[]) AS seen(email, mark)
                      WHERE r.cluster_id = ? AND r.email = seen.email AND r.mark = seen.mark
                     """)) {
            ps.setArray(1, c.createArrayOf("text", work.emails().toArray()));
            ps.setArray(2, c.createArrayOf("bigint", work.marks().toArray()));
            ps.setString(3, clusterId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not clear work of cluster " + clusterId, e);
        }
        if (!work.emails().isEmpty()) {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "UPDATE role_sync SET tried = false WHERE cluster_id = ? AND email = ANY (?) AND tried")) {
                ps.setString(1, clusterId);
                ps.setArray(2, c.createArrayOf("text", work.emails().toArray()));
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("could not clear work of cluster " + clusterId, e);
            }
        }
        // one pass at a time holds a cluster: every listed removal is this pass's own, announced with this
        // commit, or a dead pass's, which this pass considered
        update("DELETE FROM role_removal_pending WHERE cluster_id = ?", clusterId);
        update("""
                UPDATE cluster_sync SET attempts = 0, last_error = NULL,
                       full_resync = full_resync AND NOT ?, ensure_groups = ensure_groups AND NOT ?
                 WHERE cluster_id = ?
                """, work.fullResync(), work.ensureGroups(), clusterId);
    }

    /** Keeps the work and schedules the next attempt. {@code error} names a SQLSTATE, never a secret. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void failed(String clusterId, int attempts, Duration retryIn, String error) {
        update("""
                UPDATE cluster_sync SET attempts = ?, last_error = ?,
                       next_attempt_at = now() + make_interval(secs => ?)
                 WHERE cluster_id = ?
                """, attempts, error, retryIn.toMillis() / 1000.0, clusterId);
    }

    private void update(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, parameters);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("reconcile queue update failed", e);
        }
    }

    private List<String> strings(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, parameters);
            List<String> values = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException("reconcile queue query failed", e);
        }
    }

    private static void bind(PreparedStatement ps, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            ps.setObject(i + 1, parameters[i]);
        }
    }
}
