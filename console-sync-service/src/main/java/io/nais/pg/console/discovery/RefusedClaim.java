package io.nais.pg.console.discovery;

/**
 * A resource a source found but did not turn into a cluster, because it claims
 * a cluster id it has no right to. Reported (log, {@code cluster_refusal},
 * {@code GET /api/postgres/refusals}), never emitted as a cluster.
 *
 * @param resource  what claimed it: the claimant's host ({@code <name>.<namespace>.svc} for a Kubernetes resource)
 * @param clusterId the cluster id it claims
 * @param team      the team that owns the claiming resource (its namespace's team), shown to that team
 * @param reason    a stable code: {@link #TEAM_NOT_NAMESPACE}, {@link #ID_TAKEN}, {@link #ID_CONTESTED},
 *                  {@link #OTHER_SOURCE}
 * @param detail    a sentence for people
 */
public record RefusedClaim(String resource, String clusterId, String team, String reason, String detail) {

    /** {@code spec.teamId} names another team than the one owning the namespace. */
    public static final String TEAM_NOT_NAMESPACE = "team-not-namespace";
    /** Another resource already holds this cluster id; the first one keeps it. */
    public static final String ID_TAKEN = "cluster-id-taken";
    /** Several new resources claim one cluster id at once and none held it before: none gets it. */
    public static final String ID_CONTESTED = "cluster-id-contested";
    /** Another discovery source (file or Kubernetes) holds this cluster id. */
    public static final String OTHER_SOURCE = "cluster-id-of-another-source";
}
