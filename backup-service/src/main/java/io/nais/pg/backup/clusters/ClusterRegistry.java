package io.nais.pg.backup.clusters;

import static io.nais.pg.kit.projection.ClusterTable.Fact.ADMIN_SECRET_REF;
import static io.nais.pg.kit.projection.ClusterTable.Fact.DATABASE;
import static io.nais.pg.kit.projection.ClusterTable.Fact.HOST;
import static io.nais.pg.kit.projection.ClusterTable.Fact.PG_VERSION;
import static io.nais.pg.kit.projection.ClusterTable.Fact.PORT;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.nais.pg.events.ClusterState;
import io.nais.pg.kit.projection.ClusterTable;

/**
 * The clusters to back up, projected from the clusters topic into
 * {@code backup_cluster} by service-kit's {@link ClusterTable}: the newest event
 * (by envelope time, then id) wins, so a redelivered or late event converges
 * instead of replaying a change. The table's own column, {@code first_seen_at},
 * is set once, when the cluster is first projected.
 */
@ApplicationScoped
public class ClusterRegistry {

    private final ClusterTable table;

    ClusterRegistry(DataSource dataSource) {
        this.table = new ClusterTable(dataSource, "backup_cluster",
                List.of(HOST, PORT, DATABASE, ADMIN_SECRET_REF, PG_VERSION));
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void upsert(ClusterState state, Instant eventTime, UUID eventId) {
        table.present(state, eventTime, eventId);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void remove(String clusterId, Instant eventTime, UUID eventId) {
        table.removed(clusterId, eventTime, eventId);
    }

    /** What a backup reads of a cluster. */
    private static final List<String> TARGET_COLUMNS = List.of("cluster_id", "team", "host", "port", "database",
            "admin_secret_ref", "pg_version", "first_seen_at");

    /** A known, not removed cluster. */
    public Optional<BackupTarget> live(String clusterId) {
        return table.live("cluster_id", clusterId, TARGET_COLUMNS, ClusterRegistry::target).stream().findFirst();
    }

    public List<BackupTarget> allLive() {
        return table.live(TARGET_COLUMNS, ClusterRegistry::target);
    }

    private static BackupTarget target(ResultSet row) throws SQLException {
        return new BackupTarget(row.getString("cluster_id"), row.getString("team"), row.getString("host"),
                row.getInt("port"), row.getString("database"), row.getString("admin_secret_ref"),
                row.getString("pg_version"), row.getTimestamp("first_seen_at").toInstant());
    }
}
