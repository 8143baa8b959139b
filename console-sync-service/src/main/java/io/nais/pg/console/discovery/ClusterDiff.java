package io.nais.pg.console.discovery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Desired clusters against the last emitted state: the changes to emit. Pure,
 * so every source (file, Kubernetes) shares it and it is tested without I/O.
 */
public final class ClusterDiff {

    private ClusterDiff() {
    }

    /**
     * @param known   what this source last emitted, by cluster id
     * @param desired what the source reports now (a later entry with the same id wins)
     * @return discoveries and updates in the order of {@code desired}, then removals by cluster id
     */
    public static List<ClusterChange> between(Map<String, DesiredCluster> known, Collection<DesiredCluster> desired) {
        Map<String, DesiredCluster> wanted = new LinkedHashMap<>();
        desired.forEach(cluster -> wanted.put(cluster.clusterId(), cluster));

        List<ClusterChange> changes = new ArrayList<>();
        wanted.forEach((id, cluster) -> {
            DesiredCluster before = known.get(id);
            if (before == null) {
                changes.add(new ClusterChange.Discovered(cluster));
            } else if (!before.equals(cluster)) {
                changes.add(new ClusterChange.Updated(cluster));
            }
        });
        known.keySet().stream().filter(id -> !wanted.containsKey(id)).sorted()
                .forEach(id -> changes.add(new ClusterChange.Removed(known.get(id))));
        return changes;
    }
}
