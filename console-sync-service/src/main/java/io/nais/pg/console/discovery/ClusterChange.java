package io.nais.pg.console.discovery;

import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.ClusterRemoved;
import io.nais.pg.events.ClusterUpdated;
import io.nais.pg.events.PlatformEvent;

/** One difference between what a source reports and what was last emitted. */
public sealed interface ClusterChange {

    /** The cluster after the change; for a removal, the cluster as it was. */
    DesiredCluster cluster();

    /** The event that announces this change. */
    PlatformEvent event();

    record Discovered(DesiredCluster cluster) implements ClusterChange {
        @Override
        public PlatformEvent event() {
            DesiredCluster c = cluster;
            return new ClusterDiscovered(c.clusterId(), c.team(), c.app(), c.host(), c.port(), c.database(),
                    c.applicationRole(), c.schemas(), c.adminSecretRef(), c.pgVersion(), c.status());
        }
    }

    record Updated(DesiredCluster cluster) implements ClusterChange {
        @Override
        public PlatformEvent event() {
            DesiredCluster c = cluster;
            return new ClusterUpdated(c.clusterId(), c.team(), c.app(), c.host(), c.port(), c.database(),
                    c.applicationRole(), c.schemas(), c.adminSecretRef(), c.pgVersion(), c.status());
        }
    }

    record Removed(DesiredCluster cluster) implements ClusterChange {
        @Override
        public PlatformEvent event() {
            return new ClusterRemoved(cluster.clusterId(), cluster.team(), cluster.app());
        }
    }
}
