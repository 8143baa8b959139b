package io.nais.pg.access.gateway;

import io.nais.pg.access.directory.AccessDirectory;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The directory seam for gateway tests: the answers access-service's projections
 * would give. The projections themselves are proven by the provisioning tests;
 * here they only decide who may log in.
 */
final class InMemoryDirectory implements AccessDirectory {

    private final Map<String, ClusterEndpoint> clusters = new ConcurrentHashMap<>();
    private final Set<String> members = ConcurrentHashMap.newKeySet();
    private final Map<String, ActiveGrant> grants = new ConcurrentHashMap<>();

    void cluster(ClusterEndpoint endpoint) {
        clusters.put(endpoint.clusterId(), endpoint);
    }

    void addMember(String team, String email) {
        members.add(team + "\n" + email);
    }

    void removeMember(String team, String email) {
        members.remove(team + "\n" + email);
    }

    void grant(String clusterId, String email, ActiveGrant grant) {
        grants.put(clusterId + "\n" + email, grant);
    }

    @Override
    public Optional<ClusterEndpoint> cluster(String clusterId) {
        return Optional.ofNullable(clusters.get(clusterId));
    }

    @Override
    public boolean isMember(String team, String email) {
        return members.contains(team + "\n" + email);
    }

    @Override
    public Optional<ActiveGrant> activeDbaGrant(String clusterId, String email, Instant now) {
        return Optional.ofNullable(grants.get(clusterId + "\n" + email)).filter(g -> g.expiresAt().isAfter(now));
    }
}
