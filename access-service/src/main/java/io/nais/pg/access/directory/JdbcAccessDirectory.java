package io.nais.pg.access.directory;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.nais.pg.kit.membership.MembershipProjection;

/**
 * The directory over access-service's own projections: clusters, membership and
 * DBA grants, all in this package.
 */
@ApplicationScoped
public class JdbcAccessDirectory implements AccessDirectory {

    private final ClusterProjection clusters;
    private final MembershipProjection members;
    private final DbaGrantProjection grants;

    JdbcAccessDirectory(ClusterProjection clusters, MembershipProjection members, DbaGrantProjection grants) {
        this.clusters = clusters;
        this.members = members;
        this.grants = grants;
    }

    @Override
    public Optional<ClusterEndpoint> cluster(String clusterId) {
        return clusters.endpoint(clusterId);
    }

    @Override
    public boolean isMember(String team, String email) {
        return members.isMember(team, email);
    }

    @Override
    public Optional<ActiveGrant> activeDbaGrant(String clusterId, String email, Instant now) {
        return grants.active(clusterId, email, now);
    }
}
