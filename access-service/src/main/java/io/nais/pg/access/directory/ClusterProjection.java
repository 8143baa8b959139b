package io.nais.pg.access.directory;

import static io.nais.pg.kit.projection.ClusterTable.Fact.ADMIN_SECRET_REF;
import static io.nais.pg.kit.projection.ClusterTable.Fact.APP;
import static io.nais.pg.kit.projection.ClusterTable.Fact.APPLICATION_ROLE;
import static io.nais.pg.kit.projection.ClusterTable.Fact.DATABASE;
import static io.nais.pg.kit.projection.ClusterTable.Fact.HOST;
import static io.nais.pg.kit.projection.ClusterTable.Fact.PG_VERSION;
import static io.nais.pg.kit.projection.ClusterTable.Fact.PORT;
import static io.nais.pg.kit.projection.ClusterTable.Fact.SCHEMAS;
import static io.nais.pg.kit.projection.ClusterTable.Fact.STATUS;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.nais.pg.events.ClusterState;
import io.nais.pg.kit.projection.ClusterTable;

/**
 * The newest fact per cluster, in the {@code cluster} table: service-kit's
 * {@link ClusterTable} (newest event wins, a removal leaves a tombstone) with
 * every fact of the cluster events, read as provisioning's {@link ClusterTarget}
 * and the gateway's endpoint.
 */
@ApplicationScoped
public class ClusterProjection {

    private final ClusterTable table;

    ClusterProjection(DataSource dataSource) {
        this.table = new ClusterTable(dataSource, "cluster",
                List.of(APP, HOST, PORT, DATABASE, APPLICATION_ROLE, SCHEMAS, ADMIN_SECRET_REF, PG_VERSION, STATUS));
    }

    /** @return whether the event was newer than the stored state */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean upsert(ClusterState state, Instant eventTime, UUID eventId) {
        return table.present(state, eventTime, eventId);
    }

    /** @return whether a live cluster was removed by this (newer) event */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean remove(String clusterId, Instant eventTime, UUID eventId) {
        return table.removed(clusterId, eventTime, eventId);
    }

    /** What provisioning reads. */
    private static final List<String> TARGET_COLUMNS = List.of("cluster_id", "team", "host", "port", "database",
            "application_role", "schemas", "admin_secret_ref");

    /** A cluster that is known and not removed. */
    public Optional<ClusterTarget> live(String clusterId) {
        return table.live("cluster_id", clusterId, TARGET_COLUMNS, row -> new ClusterTarget(row.getString("cluster_id"),
                row.getString("team"), row.getString("host"), row.getInt("port"), row.getString("database"),
                row.getString("application_role"), Arrays.asList((String[]) row.getArray("schemas").getArray()),
                row.getString("admin_secret_ref"))).stream().findFirst();
    }

    /** What the gateway reads, and all its database role may read (V19): never the admin secret reference. */
    private static final List<String> ENDPOINT_COLUMNS = List.of("cluster_id", "team", "app", "host", "port", "database");

    /** The stored endpoint, for the gateway; the app is kept in the projection, not in the target. */
    public Optional<AccessDirectory.ClusterEndpoint> endpoint(String clusterId) {
        return table.live("cluster_id", clusterId, ENDPOINT_COLUMNS, row -> new AccessDirectory.ClusterEndpoint(
                row.getString("cluster_id"), row.getString("team"), row.getString("app"), row.getString("host"),
                row.getInt("port"), row.getString("database"))).stream().findFirst();
    }
}
