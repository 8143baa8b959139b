package io.nais.pg.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The environment variables a Deployment's container gets: its env and the keys of the ConfigMaps it
 * imports, with the literal values where the manifests hold them (secret-sourced values stay unknown).
 */
record ProvidedConfig(Set<String> envNames, Map<String, String> literals) {

    static ProvidedConfig of(RenderedOverlay overlay, Deployment deployment) {
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Set<String> names = new TreeSet<>();
        Map<String, String> literals = new TreeMap<>();
        // envFrom first: an env entry of the same name wins, as in the kubelet
        for (EnvFromSource source : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
            if (source.getConfigMapRef() == null) {
                throw new AssertionError(deployment.getMetadata().getName()
                        + ": import Secrets key by key (env/valueFrom), so the checks can see which keys are set");
            }
            Map<String, String> data = overlay.configMap(source.getConfigMapRef().getName()).getData();
            names.addAll(data.keySet());
            literals.putAll(data);
        }
        for (EnvVar env : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
            names.add(env.getName());
            if (env.getValue() != null) {
                literals.put(env.getName(), env.getValue());
            } else {
                literals.remove(env.getName());
            }
        }
        return new ProvidedConfig(names, literals);
    }

    /** docker-compose.yml's environment of one service. */
    static ProvidedConfig ofCompose(Map<String, Object> environment) {
        Map<String, String> literals = new TreeMap<>();
        environment.forEach((name, value) -> literals.put(name, String.valueOf(value)));
        return new ProvidedConfig(new TreeSet<>(literals.keySet()), literals);
    }
}
