package io.nais.pg.backup.clusters;

import java.time.Instant;

import io.nais.pg.kit.clusters.ClusterAdminConnections.ClusterAddress;

/** A cluster this service backs up, as the projection knows it. */
public record BackupTarget(String clusterId, String team, String host, int port, String database,
                           String adminSecretRef, String pgVersion, Instant firstSeenAt) {

    public ClusterAddress address() {
        return new ClusterAddress(host, port, database, adminSecretRef);
    }
}
