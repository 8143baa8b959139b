package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Prod makes every Secret its Deployments read through External Secrets Operator: each Secret key a
 * container reads (env secretKeyRef, or a file of a mounted Secret that its configuration points
 * at) is a key of an ExternalSecret's target, except the TLS server certificates cert-manager issues.
 */
class SecretsProvidedTest {

    /** kubernetes.io/tls Secrets from cert-manager (README, "Secrets"; the client CA: gateway-client-ca.yaml). */
    static final Set<String> CERT_MANAGER = Set.of("access-gateway-tls", "nais-pg-api-tls", "access-gateway-client-ca");

    private static final RenderedOverlay PROD = RenderedOverlay.render("prod");

    @Test
    void everySecretKeyAProdDeploymentReadsIsMadeByAnExternalSecret() {
        Map<String, Set<String>> provided = externalSecretKeys(PROD);
        Map<String, Set<String>> missing = missing(PROD, PROD.deployments(), provided);
        assertThat(missing).as("Secret -> keys read but made by no ExternalSecret").isEmpty();
        assertThat(provided).containsKeys("access-service-db", "access-gateway-db", "access-gateway-kafka",
                "access-provisioning-kafka", "nais-pg-kafka-ca");
    }

    @Test
    void aKeyNoExternalSecretMakesIsReported() {
        Map<String, Set<String>> provided = externalSecretKeys(PROD);
        provided.get("nais-pg-kafka-ca").remove("ca.p12");
        Deployment withNewSecret = Serialization.clone(PROD.deployment("dba-grant-service"));
        withNewSecret.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
                .add(new EnvVar("X", null, new EnvVarSourceBuilder()
                        .withNewSecretKeyRef("token", "hand-made", false).build()));
        assertThat(missing(PROD, List.of(withNewSecret), provided))
                .containsEntry("hand-made", Set.of("token"))
                .containsEntry("nais-pg-kafka-ca", Set.of("ca.p12"));
    }

    private static Map<String, Set<String>> missing(RenderedOverlay overlay, List<Deployment> deployments,
            Map<String, Set<String>> provided) {
        Map<String, Set<String>> missing = new TreeMap<>();
        for (Deployment deployment : deployments) {
            read(overlay, deployment).forEach((secret, keys) -> {
                if (!CERT_MANAGER.contains(secret)) {
                    keys.stream().filter(key -> !provided.getOrDefault(secret, Set.of()).contains(key))
                            .forEach(key -> missing.computeIfAbsent(secret, s -> new TreeSet<>()).add(key));
                }
            });
        }
        return missing;
    }

    /** Secret name -> the keys a Deployment's container reads from it. */
    static Map<String, Set<String>> read(RenderedOverlay overlay, Deployment deployment) {
        Map<String, Set<String>> read = new TreeMap<>();
        var pod = deployment.getSpec().getTemplate().getSpec();
        Map<String, Volume> volumes = new HashMap<>();
        pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
        for (Container container : pod.getContainers()) {
            for (EnvVar env : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
                if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                    var ref = env.getValueFrom().getSecretKeyRef();
                    read.computeIfAbsent(ref.getName(), s -> new TreeSet<>()).add(ref.getKey());
                }
            }
            Map<String, String> literals = ProvidedConfig.of(overlay, deployment).literals();
            for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
                Volume volume = volumes.get(mount.getName());
                if (volume == null || volume.getSecret() == null) {
                    continue;
                }
                Set<String> keys = read.computeIfAbsent(volume.getSecret().getSecretName(), s -> new TreeSet<>());
                // the files its configuration points at, mapped back through items to the Secret's keys
                literals.values().stream().filter(value -> value.startsWith(mount.getMountPath() + "/"))
                        .map(value -> value.substring(mount.getMountPath().length() + 1))
                        .map(file -> keyOf(volume, file)).forEach(keys::add);
            }
        }
        return read;
    }

    private static String keyOf(Volume volume, String file) {
        return Optional.ofNullable(volume.getSecret().getItems()).orElse(List.of()).stream()
                .filter(item -> item.getPath().equals(file)).map(KeyToPath::getKey).findFirst().orElse(file);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Set<String>> externalSecretKeys(RenderedOverlay overlay) {
        Map<String, Set<String>> keys = new TreeMap<>();
        for (GenericKubernetesResource secret : overlay.custom("ExternalSecret")) {
            Map<String, Object> spec = (Map<String, Object>) secret.getAdditionalProperties().get("spec");
            String target = String.valueOf(((Map<String, Object>) spec.get("target")).get("name"));
            for (Map<String, Object> data : (List<Map<String, Object>>) spec.get("data")) {
                keys.computeIfAbsent(target, t -> new TreeSet<>()).add(String.valueOf(data.get("secretKey")));
            }
        }
        return keys;
    }
}
