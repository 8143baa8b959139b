package io.nais.pg.console.discovery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which of a source's clusters may have the cluster id they claim. Pure, so it
 * is tested without I/O. A conflict is never settled by the order a source
 * lists its clusters in: the resource that already holds an id keeps it, and
 * every other claimant is refused and reported.
 *
 * <ul>
 *   <li>an id another source holds: refused ({@link RefusedClaim#OTHER_SOURCE});</li>
 *   <li>one claimant: it gets the id;</li>
 *   <li>several claimants, one of them the holder (same host and port): the holder keeps it, the others are
 *       refused ({@link RefusedClaim#ID_TAKEN});</li>
 *   <li>several claimants, none the holder: all are refused ({@link RefusedClaim#ID_CONTESTED}); a cluster the
 *       source held before keeps its last emitted state, so a contest never removes it.</li>
 * </ul>
 */
public final class ClusterClaims {

    private ClusterClaims() {
    }

    /** Who holds a cluster id now: the source that emitted it and where it points. */
    public record Holder(String source, String host, int port) {
    }

    /** The clusters that keep their id, and the claims refused. */
    public record Resolution(List<DesiredCluster> accepted, List<RefusedClaim> refused) {
    }

    /**
     * @param source  the syncing source
     * @param holders every held cluster id, of every source
     * @param known   what this source last emitted, by cluster id
     * @param desired what the source reports now
     */
    public static Resolution resolve(String source, Map<String, Holder> holders, Map<String, DesiredCluster> known,
                                     Collection<DesiredCluster> desired) {
        Map<String, List<DesiredCluster>> claimants = new LinkedHashMap<>();
        desired.forEach(cluster -> claimants.computeIfAbsent(cluster.clusterId(), id -> new ArrayList<>()).add(cluster));
        List<DesiredCluster> accepted = new ArrayList<>();
        List<RefusedClaim> refused = new ArrayList<>();
        claimants.forEach((id, candidates) -> {
            Holder holder = holders.get(id);
            if (holder != null && !holder.source().equals(source)) {
                candidates.forEach(c -> refused.add(refusal(c, RefusedClaim.OTHER_SOURCE,
                        "cluster id " + id + " is held by the " + holder.source() + " source")));
            } else if (candidates.size() == 1) {
                accepted.add(candidates.get(0));
            } else {
                settleContest(id, holder, known.get(id), candidates, accepted, refused);
            }
        });
        return new Resolution(accepted, refused);
    }

    private static void settleContest(String id, Holder holder, DesiredCluster held, List<DesiredCluster> candidates,
                                      List<DesiredCluster> accepted, List<RefusedClaim> refused) {
        DesiredCluster keeper = holder == null ? null : candidates.stream()
                .filter(c -> c.host().equals(holder.host()) && c.port() == holder.port()).findFirst().orElse(null);
        if (keeper != null) {
            accepted.add(keeper);
        } else if (held != null) {
            accepted.add(held); // unchanged: no event until the contest is gone
        }
        candidates.stream().filter(c -> !Objects.equals(c, keeper)).forEach(c -> refused.add(keeper != null
                ? refusal(c, RefusedClaim.ID_TAKEN, "cluster id " + id + " is held by " + keeper.host())
                : refusal(c, RefusedClaim.ID_CONTESTED, candidates.size() + " resources claim cluster id " + id
                        + "; none gets it until only one does")));
    }

    private static RefusedClaim refusal(DesiredCluster claimant, String reason, String detail) {
        return new RefusedClaim(claimant.host(), claimant.clusterId(), claimant.team(), reason, detail);
    }
}
