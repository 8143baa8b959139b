package io.nais.pg.deploy;

import java.util.HashMap;
import java.util.Map;

/**
 * One end of a network flow, as NetworkPolicy sees it: a pod (namespace, labels, named container ports)
 * or an address outside the cluster's pod network (only ipBlocks match it).
 */
record Peer(String description, String namespace, Map<String, String> labels, Map<String, Integer> namedPorts, String ip) {

    static Peer pod(String description, String namespace, Map<String, String> labels, Map<String, Integer> namedPorts) {
        return new Peer(description, namespace, labels, namedPorts, null);
    }

    static Peer pod(String description, String namespace, Map<String, String> labels) {
        return pod(description, namespace, labels, Map.of());
    }

    static Peer external(String description, String ip) {
        return new Peer(description, null, Map.of(), Map.of(), ip);
    }

    boolean isPod() {
        return namespace != null;
    }

    /** The labels Kubernetes puts on every namespace (1.22+); the policies select namespaces by it. */
    Map<String, String> namespaceLabels() {
        Map<String, String> labels = new HashMap<>();
        labels.put("kubernetes.io/metadata.name", namespace);
        return labels;
    }

    @Override
    public String toString() {
        return description;
    }
}
