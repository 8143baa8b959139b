package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 19, least privilege: the internet-facing gateway holds no cluster's admin credential. Its
 * ServiceAccount is granted nothing on Secrets by any rendered (Cluster)Role(Binding), its pod mounts
 * or reads no admin secret, and provisioning (which does read them) is reachable by no Service.
 */
class GatewayPrivilegesTest {

    private static final String GATEWAY = "access-gateway";
    private static final String PROVISIONING = "access-provisioning";
    private static final String CLUSTER_CAS = "nais-pg-cluster-cas";
    /**
     * What a gateway pod may read from Secrets: its TLS pair, its client CA, Kafka, its own DB login and
     * the CA bundle it checks clusters' server certificates against.
     */
    private static final Set<String> GATEWAY_SECRETS = Set.of("access-gateway-tls", "access-gateway-client-ca",
            "nais-pg-kafka-ca", "access-gateway-kafka", "access-gateway-db", CLUSTER_CAS);

    static Stream<RenderedOverlay> overlays() {
        return KustomizeOverlaysTest.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theGatewaysServiceAccountCannotReadSecretsButProvisioningsCan(RenderedOverlay overlay) {
        assertThat(secretVerbs(overlay, GATEWAY)).as(overlay + ": what " + GATEWAY + " may do with Secrets").isEmpty();
        // guards the evaluation itself: the admin-secret Roles are rendered and bound to provisioning
        assertThat(secretVerbs(overlay, PROVISIONING)).contains("get", "watch");
        assertThat(overlay.deployment(GATEWAY).getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(GATEWAY);
        assertThat(overlay.deployment(GATEWAY).getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
                .as("no API token in the gateway's pods").isFalse();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theGatewayPodMountsAndReadsNoAdminSecret(RenderedOverlay overlay) {
        PodSpec pod = overlay.deployment(GATEWAY).getSpec().getTemplate().getSpec();
        List<String> secrets = new ArrayList<>();
        pod.getVolumes().stream().filter(v -> v.getSecret() != null).forEach(v -> secrets.add(v.getSecret().getSecretName()));
        pod.getVolumes().stream().filter(v -> v.getProjected() != null)
                .flatMap(v -> v.getProjected().getSources().stream()).filter(s -> s.getSecret() != null)
                .forEach(s -> secrets.add(s.getSecret().getName()));
        pod.getContainers().forEach(c -> {
            Optional.ofNullable(c.getEnv()).orElse(List.of()).stream().map(EnvVar::getValueFrom)
                    .filter(from -> from != null && from.getSecretKeyRef() != null)
                    .forEach(from -> secrets.add(from.getSecretKeyRef().getName()));
            Optional.ofNullable(c.getEnvFrom()).orElse(List.of()).stream().map(EnvFromSource::getSecretRef)
                    .filter(ref -> ref != null).forEach(ref -> secrets.add(ref.getName()));
        });
        assertThat(secrets).as(overlay + ": Secrets the gateway pod reads").isNotEmpty().allSatisfy(name ->
                assertThat(GATEWAY_SECRETS).as(name + " is not one of the gateway's own").contains(name));
        assertThat(pod.getContainers()).allSatisfy(c -> assertThat(Optional.ofNullable(c.getEnv()).orElse(List.of()))
                .extracting(EnvVar::getName).doesNotContain("NAIS_KIT_CLUSTER_ADMIN_SSL_ROOT_CERT"));
        assertThat(pod.getContainers().get(0).getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("NAIS_ACCESS_MODE");
            assertThat(e.getValue()).isEqualTo("gateway");
        });
    }

    /**
     * The gateway checks a cluster's server certificate before relaying a login: against the mounted
     * platform-wide bundle ({@code ca.crt} of Secret nais-pg-cluster-cas), never by falling back to its
     * own client CA, which signs no cluster's certificate.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theGatewayTrustsTheMountedClusterCaBundleNotItsClientCa(RenderedOverlay overlay) {
        var deployment = overlay.deployment(GATEWAY);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Map<String, String> literals = ProvidedConfig.of(overlay, deployment).literals();
        String trusted = literals.get("NAIS_ACCESS_GATEWAY_BACKEND_TRUSTED_CA_FILE");
        assertThat(trusted).as(overlay + ": nais.access.gateway.backend.trusted-ca-file").isNotBlank()
                .isNotEqualTo(literals.get("NAIS_ACCESS_GATEWAY_CA_CERT_FILE"));
        VolumeMount mount = pod.getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> trusted.startsWith(m.getMountPath() + "/")).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": nothing is mounted where " + trusted + " is"));
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertThat(volume.getSecret()).as(overlay + ": the volume of " + trusted).isNotNull();
        assertThat(volume.getSecret().getSecretName()).isEqualTo(CLUSTER_CAS);
        assertThat(trusted.substring(mount.getMountPath().length() + 1)).isEqualTo("ca.crt");
        assertThat(TestSecrets.keysBySecret(overlay).get(CLUSTER_CAS)).as(overlay + ": keys of " + CLUSTER_CAS).contains("ca.crt");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void provisioningIsReachableByNoServiceAndOpensNoGatewayPort(RenderedOverlay overlay) {
        var provisioning = overlay.deployment(PROVISIONING).getSpec().getTemplate();
        String name = provisioning.getMetadata().getLabels().get("app.kubernetes.io/name");
        assertThat(overlay.all(Service.class)).noneSatisfy(s -> assertThat(s.getSpec().getSelector())
                .containsEntry("app.kubernetes.io/name", name));
        assertThat(provisioning.getSpec().getContainers()).allSatisfy(c -> assertThat(c.getPorts())
                .extracting(p -> p.getName()).containsExactly("http", "management"));
        assertThat(provisioning.getSpec().getContainers().get(0).getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("NAIS_ACCESS_MODE");
            assertThat(e.getValue()).isEqualTo("provisioning");
        });
    }

    /** Every verb on Secrets that a binding in the overlay gives the ServiceAccount, in any namespace. */
    private static Set<String> secretVerbs(RenderedOverlay overlay, String serviceAccount) {
        Set<String> verbs = new java.util.TreeSet<>();
        for (RoleBinding binding : overlay.all(RoleBinding.class)) {
            if (binds(binding.getSubjects(), serviceAccount)) {
                verbs.addAll(secretVerbs(rules(overlay, binding.getRoleRef(), binding.getMetadata().getNamespace())));
            }
        }
        for (ClusterRoleBinding binding : overlay.all(ClusterRoleBinding.class)) {
            if (binds(binding.getSubjects(), serviceAccount)) {
                verbs.addAll(secretVerbs(rules(overlay, binding.getRoleRef(), null)));
            }
        }
        return verbs;
    }

    private static boolean binds(List<Subject> subjects, String serviceAccount) {
        return Optional.ofNullable(subjects).orElse(List.of()).stream().anyMatch(s ->
                ("ServiceAccount".equals(s.getKind()) && serviceAccount.equals(s.getName()))
                        || ("Group".equals(s.getKind()) && Set.of("system:serviceaccounts", "system:authenticated")
                        .contains(s.getName())));
    }

    private static List<PolicyRule> rules(RenderedOverlay overlay, RoleRef ref, String namespace) {
        if ("ClusterRole".equals(ref.getKind())) {
            return overlay.all(ClusterRole.class).stream().filter(r -> r.getMetadata().getName().equals(ref.getName()))
                    .flatMap(r -> Optional.ofNullable(r.getRules()).orElse(List.of()).stream()).toList();
        }
        return overlay.all(Role.class).stream().filter(r -> r.getMetadata().getName().equals(ref.getName())
                        && java.util.Objects.equals(r.getMetadata().getNamespace(), namespace))
                .flatMap(r -> Optional.ofNullable(r.getRules()).orElse(List.of()).stream()).toList();
    }

    private static List<String> secretVerbs(List<PolicyRule> rules) {
        return rules.stream().filter(rule -> Optional.ofNullable(rule.getApiGroups()).orElse(List.of()).stream()
                        .anyMatch(g -> g.isEmpty() || g.equals("*")))
                .filter(rule -> Optional.ofNullable(rule.getResources()).orElse(List.of()).stream()
                        .anyMatch(r -> r.equals("secrets") || r.equals("*")))
                .flatMap(rule -> rule.getVerbs().stream()).toList();
    }
}
