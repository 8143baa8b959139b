package io.nais.pg.access.provisioning.pass;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.nais.pg.access.provisioning.model.ClusterSnapshot;

/**
 * The durable side of {@link DbaChangeWatch}: each DBA grant's snapshot of its cluster (tables
 * {@code dba_grant_baseline} and {@code dba_grant_baseline_item}), whether the grant's end was settled,
 * the roles it disabled and the differences already announced. Runs in the pass's transaction.
 */
@ApplicationScoped
class DbaBaselines {

    /**
     * A grant on the cluster that needs attention in a pass: active (a snapshot to take, or a resync to
     * compare), ended but not settled, or settled with roles that must stay disabled.
     */
    record Watched(String grantId, String email, boolean active, boolean hasBaseline, boolean settled,
                   List<String> disabledRoles, List<String> reported) {
    }

    private final DataSource dataSource;

    DbaBaselines(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    List<Watched> watched(String clusterId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT g.grant_id, g.email, g.active AND g.expires_at > now(), b.grant_id IS NOT NULL,
                       b.settled_at IS NOT NULL, COALESCE(b.disabled_roles, '{}'), COALESCE(b.reported, '{}')
                  FROM dba_grant g LEFT JOIN dba_grant_baseline b USING (grant_id)
                 WHERE g.cluster_id = ?
                   AND ((g.active AND g.expires_at > now())
                        OR (b.grant_id IS NOT NULL AND (b.settled_at IS NULL OR cardinality(b.disabled_roles) > 0)))
                 ORDER BY g.grant_id
                """)) {
            ps.setString(1, clusterId);
            List<Watched> watched = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    watched.add(new Watched(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4),
                            rs.getBoolean(5), strings(rs, 6), strings(rs, 7)));
                }
            }
            return watched;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the DBA grants of " + clusterId, e);
        }
    }

    void save(String grantId, String clusterId, String email, ClusterSnapshot snapshot) {
        List<ClusterSnapshot.Item> items = List.copyOf(snapshot.items().values());
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO dba_grant_baseline (grant_id, cluster_id, email, taken_at) VALUES (?, ?, ?, now())
                    """)) {
                ps.setString(1, grantId);
                ps.setString(2, clusterId);
                ps.setString(3, email);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO dba_grant_baseline_item (grant_id, kind, name, detail, digest)
                    SELECT ?, * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[])
                    """)) {
                ps.setString(1, grantId);
                ps.setArray(2, c.createArrayOf("text", items.stream().map(ClusterSnapshot.Item::kind).toArray()));
                ps.setArray(3, c.createArrayOf("text", items.stream().map(ClusterSnapshot.Item::name).toArray()));
                ps.setArray(4, c.createArrayOf("text", items.stream().map(ClusterSnapshot.Item::detail).toArray()));
                ps.setArray(5, c.createArrayOf("text", items.stream().map(ClusterSnapshot.Item::digest).toArray()));
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the snapshot of grant " + grantId, e);
        }
    }

    ClusterSnapshot baseline(String grantId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT kind, name, detail, digest FROM dba_grant_baseline_item WHERE grant_id = ?")) {
            ps.setString(1, grantId);
            List<ClusterSnapshot.Item> items = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(new ClusterSnapshot.Item(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4)));
                }
            }
            return ClusterSnapshot.of(items);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the snapshot of grant " + grantId, e);
        }
    }

    /** Adds to what was announced and to the disabled roles; {@code settle} marks the grant's end compared. */
    void record(String grantId, List<String> reported, List<String> disabledRoles, boolean settle) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE dba_grant_baseline
                   SET reported = reported || ?::text[],
                       disabled_roles = ARRAY(SELECT DISTINCT unnest(disabled_roles || ?::text[]) ORDER BY 1),
                       settled_at = CASE WHEN ? THEN COALESCE(settled_at, now()) ELSE settled_at END
                 WHERE grant_id = ?
                """)) {
            ps.setArray(1, c.createArrayOf("text", reported.toArray()));
            ps.setArray(2, c.createArrayOf("text", disabledRoles.toArray()));
            ps.setBoolean(3, settle);
            ps.setString(4, grantId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record the changes of grant " + grantId, e);
        }
    }

    private static List<String> strings(ResultSet rs, int column) throws SQLException {
        return Arrays.asList((String[]) rs.getArray(column).getArray());
    }
}
