package io.nais.pg.events;

/** A cluster disappeared. Key: the cluster id. */
public record ClusterRemoved(String clusterId, String team, String app) implements PlatformEvent {

    public ClusterRemoved {
        Require.clusterOf(clusterId, team, app, "ClusterRemoved");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
