package io.nais.pg.events;

import java.util.List;

/**
 * A known cluster changed; carries the whole new state (same fields as
 * {@link ClusterDiscovered}), so a consumer converges without earlier events.
 * Key: the cluster id.
 */
public record ClusterUpdated(
        String clusterId,
        String team,
        String app,
        String host,
        int port,
        String database,
        String applicationRole,
        List<String> schemas,
        String adminSecretRef,
        String pgVersion,
        String status) implements PlatformEvent, ClusterState {

    public ClusterUpdated {
        schemas = ClusterFields.check("ClusterUpdated", clusterId, team, app, host, port, database,
                applicationRole, schemas, adminSecretRef, pgVersion, status);
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
