package io.nais.pg.events;

import java.util.List;

/** The checks shared by {@link ClusterDiscovered} and {@link ClusterUpdated}, which carry the same state. */
final class ClusterFields {

    private ClusterFields() {
    }

    /** Checks every field and returns an immutable copy of {@code schemas}. */
    static List<String> check(String event, String clusterId, String team, String app, String host, int port,
            String database, String applicationRole, List<String> schemas, String adminSecretRef,
            String pgVersion, String status) {
        Require.clusterOf(clusterId, team, app, event);
        Require.text(host, event + ".host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(event + ".port must be between 1 and 65535");
        }
        Require.text(database, event + ".database");
        Require.text(applicationRole, event + ".applicationRole");
        Require.text(adminSecretRef, event + ".adminSecretRef");
        // A reference, never the credentials: only the documented forms are accepted (AdminSecretRefs).
        if (!AdminSecretRefs.isValid(adminSecretRef)) {
            throw new IllegalArgumentException(event
                    + ".adminSecretRef must be a file:/… or k8s:<namespace>/<secret>[?ca=<ca-secret>] reference");
        }
        Require.text(pgVersion, event + ".pgVersion");
        Require.optionalText(status, event + ".status");
        return Require.texts(schemas, event + ".schemas");
    }
}
