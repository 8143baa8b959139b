package io.nais.pg.access.directory;

/**
 * CDI event fired after the commit that takes a person's access to a cluster away
 * (removed from the team, cluster removed, DBA grant ended). The gateway observes it
 * and ends the person's sessions that it relays; provisioning has already ended them
 * on the cluster itself with {@code pg_terminate_backend}.
 *
 * @param clusterId the cluster, {@code <team>/<app>}
 * @param email     the person whose access ended
 * @param reason    a short machine-readable reason, e.g. {@code member-removed}, {@code grant-expired}
 */
public record AccessRevoked(String clusterId, String email, String reason) {
}
