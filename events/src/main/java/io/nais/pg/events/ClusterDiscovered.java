package io.nais.pg.events;

import java.util.List;

/**
 * A PostgreSQL cluster appeared. {@code adminSecretRef} is a reference to the
 * admin credentials ({@code file:…} or {@code k8s:<namespace>/<name>}), never the
 * credentials. {@code status} is the operator's status text, absent while the
 * operator has not reported one. Key: the cluster id.
 */
public record ClusterDiscovered(
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

    public ClusterDiscovered {
        schemas = ClusterFields.check("ClusterDiscovered", clusterId, team, app, host, port, database,
                applicationRole, schemas, adminSecretRef, pgVersion, status);
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
