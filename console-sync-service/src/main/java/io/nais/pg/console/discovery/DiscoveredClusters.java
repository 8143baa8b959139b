package io.nais.pg.console.discovery;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The {@code discovered_cluster} projection: what each source last emitted.
 * Runs in the caller's transaction ({@link ClusterSync}).
 */
@ApplicationScoped
class DiscoveredClusters {

    private static final String COLUMNS = "team, app, host, port, database, application_role, schemas, "
            + "admin_secret_ref, pg_version, status";

    private static final String LOAD = "SELECT " + COLUMNS + " FROM discovered_cluster WHERE source = ?";

    private static final String UPSERT = "INSERT INTO discovered_cluster (cluster_id, source, " + COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (cluster_id) DO UPDATE SET source = excluded.source, team = excluded.team, "
            + "app = excluded.app, host = excluded.host, port = excluded.port, database = excluded.database, "
            + "application_role = excluded.application_role, schemas = excluded.schemas, "
            + "admin_secret_ref = excluded.admin_secret_ref, pg_version = excluded.pg_version, "
            + "status = excluded.status, updated_at = now()";

    private static final String HOLDERS = "SELECT cluster_id, source, host, port FROM discovered_cluster";

    private static final String DELETE = "DELETE FROM discovered_cluster WHERE cluster_id = ?";

    private final DataSource dataSource;

    DiscoveredClusters(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    Map<String, DesiredCluster> load(String source) throws SQLException {
        Map<String, DesiredCluster> known = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(LOAD)) {
            select.setString(1, source);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    DesiredCluster cluster = new DesiredCluster(row.getString(1), row.getString(2), row.getString(3),
                            row.getInt(4), row.getString(5), row.getString(6),
                            List.of((String[]) row.getArray(7).getArray()), row.getString(8), row.getString(9),
                            row.getString(10));
                    known.put(cluster.clusterId(), cluster);
                }
            }
        }
        return known;
    }

    /** Every held cluster id, of every source. */
    Map<String, ClusterClaims.Holder> holders() throws SQLException {
        Map<String, ClusterClaims.Holder> holders = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(HOLDERS);
             ResultSet row = select.executeQuery()) {
            while (row.next()) {
                holders.put(row.getString(1), new ClusterClaims.Holder(row.getString(2), row.getString(3), row.getInt(4)));
            }
        }
        return holders;
    }

    void apply(String source, List<ClusterChange> changes) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            for (ClusterChange change : changes) {
                if (change instanceof ClusterChange.Removed removed) {
                    delete(connection, removed.cluster());
                } else {
                    upsert(connection, source, change.cluster());
                }
            }
        }
    }

    private static void upsert(Connection connection, String source, DesiredCluster c) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
            Array schemas = connection.createArrayOf("text", c.schemas().toArray());
            List<Object> values = Arrays.asList(c.clusterId(), source, c.team(), c.app(), c.host(), c.port(),
                    c.database(), c.applicationRole(), schemas, c.adminSecretRef(), c.pgVersion(), c.status());
            for (int i = 0; i < values.size(); i++) {
                upsert.setObject(i + 1, values.get(i));
            }
            upsert.executeUpdate();
        }
    }

    private static void delete(Connection connection, DesiredCluster cluster) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
            delete.setString(1, cluster.clusterId());
            delete.executeUpdate();
        }
    }
}
