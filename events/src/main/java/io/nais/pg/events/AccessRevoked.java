package io.nais.pg.events;

/**
 * A person's access to a cluster ended: removed from the owning team, the cluster
 * removed, or a DBA grant ended. Provisioning writes it in the transaction that
 * records the end; every gateway replica reads it (a consumer group of its own)
 * and ends the person's relayed sessions there. Provisioning also ends the
 * person's sessions on the cluster itself ({@code pg_terminate_backend}), so this
 * is the fast path, not the only one. Key: the cluster id.
 *
 * @param reason {@link #MEMBER_REMOVED}, {@link #CLUSTER_REMOVED} or {@link #GRANT_ENDED}
 */
public record AccessRevoked(String clusterId, String email, String reason) implements PlatformEvent {

    public static final String MEMBER_REMOVED = "member-removed";
    public static final String CLUSTER_REMOVED = "cluster-removed";
    public static final String GRANT_ENDED = "grant-expired";

    public AccessRevoked {
        Require.clusterId(clusterId, "AccessRevoked.clusterId");
        email = Emails.normalise(Require.text(email, "AccessRevoked.email"));
        Require.text(reason, "AccessRevoked.reason");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
