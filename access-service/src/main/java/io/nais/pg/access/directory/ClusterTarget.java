package io.nais.pg.access.directory;

import java.util.List;

/**
 * A cluster as provisioning needs it: where to connect, with which admin
 * credentials reference, and what the application owns there.
 *
 * @param adminSecretRef a reference ({@code file:} or {@code k8s:}), never the secret
 */
public record ClusterTarget(String clusterId, String team, String host, int port, String database,
                            String applicationRole, List<String> schemas, String adminSecretRef) {

    public ClusterTarget {
        schemas = List.copyOf(schemas);
    }
}
