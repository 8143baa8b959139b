package io.nais.pg.events;

import java.util.List;

/**
 * The whole state of a cluster, as {@link ClusterDiscovered} and
 * {@link ClusterUpdated} both carry it, so a consumer that converges on the
 * latest state handles the two with one piece of code.
 */
public interface ClusterState {

    String clusterId();

    String team();

    String app();

    String host();

    int port();

    String database();

    String applicationRole();

    List<String> schemas();

    String adminSecretRef();

    String pgVersion();

    String status();
}
