package io.nais.pg.console.discovery;

import java.util.List;

/**
 * A cluster as a discovery source reports it now: the desired state that the
 * clusters topic converges to. Never carries credentials, only the reference.
 *
 * @param status the operator's status text; null where the source has none (the file source)
 */
public record DesiredCluster(
        String team,
        String app,
        String host,
        int port,
        String database,
        String applicationRole,
        List<String> schemas,
        String adminSecretRef,
        String pgVersion,
        String status) {

    public DesiredCluster {
        schemas = schemas == null ? List.of() : List.copyOf(schemas);
    }

    /** {@code <team>/<app>}: the Kafka key and the name clients ask the gateway for. */
    public String clusterId() {
        return team + "/" + app;
    }
}
