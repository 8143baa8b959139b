package io.nais.pg.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The environment variables a Deployment's container gets: its env and the keys of the ConfigMaps it imports. */
record ProvidedConfig(Set<String> envNames) {

    static ProvidedConfig of(RenderedOverlay overlay, Deployment deployment) {
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Set<String> names = new TreeSet<>();
        Optional.ofNullable(container.getEnv()).orElse(java.util.List.of()).stream().map(EnvVar::getName).forEach(names::add);
        for (EnvFromSource source : Optional.ofNullable(container.getEnvFrom()).orElse(java.util.List.of())) {
            if (source.getConfigMapRef() == null) {
                throw new AssertionError(deployment.getMetadata().getName()
                        + ": import Secrets key by key (env/valueFrom), so the checks can see which keys are set");
            }
            names.addAll(overlay.configMap(source.getConfigMapRef().getName()).getData().keySet());
        }
        return new ProvidedConfig(names);
    }
}
