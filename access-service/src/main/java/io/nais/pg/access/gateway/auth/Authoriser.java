package io.nais.pg.access.gateway.auth;

import io.nais.pg.access.AccessLevel;
import io.nais.pg.access.directory.AccessDirectory;
import io.nais.pg.access.directory.AccessDirectory.ClusterEndpoint;
import io.nais.pg.access.gateway.protocol.SqlState;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether a verified person may open a session on a cluster: as a member
 * of the team that owns it, or with an active DBA grant for it. Asks
 * {@link AccessDirectory} only, so login and provisioning read the same answer.
 * May block (the directory reads the service's database).
 */
public final class Authoriser {

    /** {@code <team>/<app>}: both parts as Kubernetes names are (lower case, digits, '-'). */
    private static final Pattern CLUSTER_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}/[a-z0-9][a-z0-9-]{0,62}");

    /**
     * A permitted login; {@code grantId} is set when the person enters as DBA, not as member; {@code level} is the
     * login role the gateway connects as.
     */
    public record Decision(ClusterEndpoint endpoint, String grantId, AccessLevel level) {
    }

    private final AccessDirectory directory;
    private final Set<String> readOnlyTeams;

    /** @param readOnlyTeams teams whose members' sessions are read-only unless they hold a DBA grant */
    public Authoriser(AccessDirectory directory, Set<String> readOnlyTeams) {
        this.directory = directory;
        this.readOnlyTeams = Set.copyOf(readOnlyTeams);
    }

    /** The cluster a client asks for, when the directory knows it. */
    public ClusterEndpoint cluster(String clusterId) throws LoginRefused {
        if (clusterId == null || !CLUSTER_ID.matcher(clusterId).matches()) {
            throw new LoginRefused(SqlState.INVALID_CATALOG_NAME, "cluster-id-malformed",
                    "database name must be a cluster id \"<team>/<app>\", e.g. \"team-a/demo-app\"");
        }
        return directory.cluster(clusterId).orElseThrow(() -> new LoginRefused(SqlState.INVALID_CATALOG_NAME,
                "cluster-unknown", "no cluster \"" + clusterId + "\" is known to nais"));
    }

    /**
     * Member or DBA grant, and at which level. A read-only ask is always honoured. Otherwise a member writes,
     * unless the team reads by default: then only an active DBA grant gives write, and a member without one gets
     * a read-only session. Nobody is ever given write after asking for read.
     */
    public Decision authorise(ClusterEndpoint endpoint, String email, boolean readOnlyAsked, Instant now)
            throws LoginRefused {
        String clusterId = endpoint.clusterId();
        AccessLevel asked = readOnlyAsked ? AccessLevel.READ : AccessLevel.WRITE;
        boolean member = directory.isMember(endpoint.team(), email);
        if (member && (asked == AccessLevel.READ || !readOnlyTeams.contains(endpoint.team()))) {
            return new Decision(endpoint, null, asked);
        }
        Optional<Decision> onGrant = directory.activeDbaGrant(clusterId, email, now)
                .map(grant -> new Decision(endpoint, grant.grantId(), asked));
        if (onGrant.isPresent()) {
            return onGrant.get();
        }
        if (member) {
            return new Decision(endpoint, null, AccessLevel.READ); // the team reads by default
        }
        throw new LoginRefused(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "not-a-member",
                "user \"" + email + "\" is not a member of team \"" + endpoint.team()
                        + "\" and holds no active DBA grant for \"" + clusterId + "\"");
    }
}
