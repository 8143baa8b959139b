package io.nais.pg.access.directory;

import java.time.Instant;
import java.util.Optional;

/**
 * What access-service knows about who may reach which cluster, read from its own
 * projections of the membership, cluster and DBA grant topics.
 *
 * <p>The gateway authorises logins through this interface only, so the same
 * answer drives provisioning and login.
 */
public interface AccessDirectory {

    /** The cluster behind a cluster id ({@code <team>/<app>}), if it is known and not removed. */
    Optional<ClusterEndpoint> cluster(String clusterId);

    /** Whether the person is, as of the newest membership event, a member of the team. */
    boolean isMember(String team, String email);

    /** The person's DBA grant on the cluster that is active at {@code now}, if any. */
    Optional<ActiveGrant> activeDbaGrant(String clusterId, String email, Instant now);

    /** Where the gateway connects for a cluster; never carries credentials. */
    record ClusterEndpoint(String clusterId, String team, String app, String host, int port, String database) {
    }

    /** An approved DBA grant that has not expired or been revoked. */
    record ActiveGrant(String grantId, Instant expiresAt) {
    }
}
