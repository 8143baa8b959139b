package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.nais.pg.testsupport.process.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Deployment of every overlay, as rendered by {@code kubectl kustomize}, starts and becomes
 * ready with exactly what its manifests give it: the packaged service, its env and envFrom
 * (ConfigMaps, the Secret keys the overlay makes), its mounted files, against real Kafka (TLS with
 * client certificates), PostgreSQL, the issuer, S3 and a Kubernetes API server. Only the endpoints of
 * {@link ConformanceInfrastructure#endpointSubstitutions()} and the mount paths ({@link PodFilesystem})
 * are changed. New Deployments are picked up as they are rendered.
 */
class DeploymentConformanceTest {

    /** Generous: a cold start with migrations on two shared cores, several services at once. */
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

    private static ConformanceInfrastructure infrastructure;
    private static Path scratch;

    @BeforeAll
    static void startInfrastructure() {
        infrastructure = new ConformanceInfrastructure();
        scratch = TempDirs.create("conformance");
    }

    @AfterAll
    static void stopInfrastructure() {
        if (infrastructure != null) {
            infrastructure.close();
        }
        if (scratch != null) {
            TempDirs.delete(scratch);
        }
    }

    static Stream<RenderedOverlay> overlays() {
        return KustomizeOverlaysTest.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyDeploymentBecomesReadyWithWhatItsManifestsGiveIt(RenderedOverlay overlay) {
        assertThat(overlay.deployments()).extracting(d -> d.getMetadata().getName())
                .contains(KustomizeOverlaysTest.SERVICES.toArray(String[]::new));
        Map<String, String> failures = run(overlay, overlay.deployments());
        assertThat(failures).as(overlay + ": Deployments that did not become ready").isEmpty();
    }

    /** The failure, put back: without an issuer URL console-sync-service must not become ready. */
    @Test
    void aServiceWhoseConfigMapLacksAKeyItNeedsDoesNotBecomeReady() {
        RenderedOverlay prod = RenderedOverlay.render("prod");
        RenderedOverlay withoutIssuer = withoutConfigMapKey(prod, "nais-pg-oidc", "QUARKUS_OIDC_AUTH_SERVER_URL");
        Map<String, String> failures = run(withoutIssuer, List.of(withoutIssuer.deployment("console-sync-service")));
        assertThat(failures).containsOnlyKeys("console-sync-service");
        assertThat(failures.get("console-sync-service")).contains("exited").contains("auth-server-url");
    }

    /**
     * access-service with both modes in one process ({@code NAIS_ACCESS_MODE=all}, the gateway beside the
     * admin credentials) refuses to start packaged; the gateway and provisioning modes start (above).
     */
    @Test
    void accessServiceRefusesModeAllInAPackagedRun() {
        RenderedOverlay prod = RenderedOverlay.render("prod");
        RenderedOverlay allInOne = withEnvironmentValue(prod, "access-provisioning", "NAIS_ACCESS_MODE", "all");
        Map<String, String> failures = run(allInOne, List.of(allInOne.deployment("access-provisioning")));
        assertThat(failures).containsOnlyKeys("access-provisioning");
        assertThat(failures.get("access-provisioning")).contains("exited")
                .contains("nais.access.mode=all is for dev mode and tests only");
    }

    /**
     * What a pod gets is the manifests' values: each is passed as rendered, or is an endpoint of the
     * table, or a path moved under the pod's root; the only other variables are the kubelet's and the
     * image's.
     */
    @Test
    void aPodGetsTheManifestsValuesSaveTheEndpointTableAndTheMountPaths() {
        RenderedOverlay prod = RenderedOverlay.render("prod");
        TestSecrets secrets = TestSecrets.of(prod, infrastructure, scratch.resolve("verbatim-secrets"));
        Set<String> kubeletAndImage = Set.of("HOSTNAME", "HOME", "PATH", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT",
                "KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", "KUBERNETES_CERTS_CA_FILE", "KUBENAMESPACE");
        Map<String, String> table = infrastructure.endpointSubstitutions();
        for (Deployment deployment : prod.deployments()) {
            Path root = scratch.resolve("verbatim").resolve(deployment.getMetadata().getName());
            Pod pod = Pod.prepare(prod, deployment, secrets, infrastructure, root);
            ProvidedConfig manifests = ProvidedConfig.of(prod, deployment);
            assertThat(pod.environment().keySet()).as(pod.name())
                    .allSatisfy(name -> assertThat(manifests.envNames().contains(name) || kubeletAndImage.contains(name)).as(name).isTrue());
            manifests.literals().forEach((name, value) -> {
                String given = pod.environment().get(name);
                if (table.containsKey(name)) {
                    assertThat(given).as(name).isEqualTo(table.get(name));
                } else if (!given.equals(value)) {
                    assertThat(given).as(name + " may differ only as a path under the pod's root")
                            .isEqualTo(root + value);
                }
            });
        }
    }

    /** A key a Deployment reads that its ExternalSecret does not make stops the pod, as the kubelet stops it. */
    @Test
    @SuppressWarnings("unchecked")
    void aSecretKeyTheExternalSecretDoesNotMakeKeepsThePodFromStarting() {
        RenderedOverlay prod = RenderedOverlay.render("prod");
        List<HasMetadata> objects = new ArrayList<>();
        for (HasMetadata object : prod.objects()) {
            if (object instanceof GenericKubernetesResource external
                    && "ExternalSecret".equals(external.getKind()) && external.getMetadata().getName().equals("nais-pg-kafka-ca")) {
                var changed = Serialization.clone(external);
                var spec = (Map<String, Object>) changed.getAdditionalProperties().get("spec");
                ((List<Map<String, Object>>) spec.get("data")).removeIf(data -> "ca.password".equals(data.get("secretKey")));
                objects.add(changed);
            } else {
                objects.add(object);
            }
        }
        RenderedOverlay withoutKey = new RenderedOverlay("prod", objects);
        TestSecrets secrets = TestSecrets.of(withoutKey, infrastructure, scratch.resolve("missing-key-secrets"));
        assertThat(secrets.secret("nais-pg-kafka-ca")).containsOnlyKeys("ca.p12");
        assertThatThrownBy(() -> Pod.prepare(withoutKey,
                        withoutKey.deployment("dba-grant-service"), secrets, infrastructure, scratch.resolve("missing-key")))
                .hasMessageContaining("the kubelet would not start the pod: nais-pg-kafka-ca has no key ca.password");
    }

    /** Every other value reaches the service verbatim: the table may only name settings the manifests set. */
    @Test
    void everySubstitutedEndpointIsASettingTheManifestsSet() {
        for (RenderedOverlay overlay : overlays().toList()) {
            Set<String> set = new TreeSet<>();
            overlay.deployments().forEach(d -> set.addAll(ProvidedConfig.of(overlay, d).envNames()));
            assertThat(set).as(overlay.name()).containsAll(infrastructure.endpointSubstitutions().keySet());
        }
    }

    /**
     * Prepares each Deployment's pod, runs them in waves of pods whose ports do not collide on this
     * host (each wave concurrently), and returns Deployment name to failure for each that the kubelet
     * would refuse or that did not become ready with every HTTP probe answering 200.
     */
    private static Map<String, String> run(RenderedOverlay overlay, List<Deployment> deployments) {
        infrastructure.createTopics(overlay);
        Path overlayScratch = scratch.resolve(overlay.name() + "-" + System.nanoTime());
        TestSecrets secrets = TestSecrets.of(overlay, infrastructure, overlayScratch.resolve("secrets"));
        Map<String, String> failures = new TreeMap<>();
        List<Pod> pods = new ArrayList<>();
        for (Deployment deployment : deployments) {
            try {
                pods.add(Pod.prepare(overlay, deployment, secrets, infrastructure,
                        overlayScratch.resolve("pods").resolve(deployment.getMetadata().getName())));
            } catch (AssertionError refused) {
                failures.put(deployment.getMetadata().getName(), refused.getMessage());
            }
        }
        for (List<Pod> wave : waves(pods)) {
            runWave(wave, failures);
        }
        return failures;
    }

    private static void runWave(List<Pod> wave, Map<String, String> failures) {
        List<PodProcess> running = new ArrayList<>();
        try {
            wave.forEach(pod -> running.add(PodProcess.start(pod)));
            for (PodProcess process : running) {
                try {
                    process.awaitReady(READY_TIMEOUT);
                    Map<String, Integer> probes = process.probeStatuses();
                    if (probes.values().stream().anyMatch(status -> status != 200)) {
                        failures.put(process.toString(), process.failure("probes answered " + probes).getMessage());
                    }
                } catch (IllegalStateException notReady) {
                    failures.put(process.toString(), notReady.getMessage());
                }
            }
        } finally {
            running.forEach(PodProcess::close);
        }
    }

    /** Pods grouped so that no two in a group declare the same container port, in order. */
    static List<List<Pod>> waves(List<Pod> pods) {
        List<List<Pod>> waves = new ArrayList<>();
        for (Pod pod : pods) {
            waves.stream().filter(wave -> wave.stream().noneMatch(other -> PodProcess.overlapping(pod, other)))
                    .findFirst().orElseGet(() -> {
                        List<Pod> wave = new ArrayList<>();
                        waves.add(wave);
                        return wave;
                    }).add(pod);
        }
        return waves;
    }

    /** A copy of the overlay whose Deployment sets this env variable of its container to another value. */
    private static RenderedOverlay withEnvironmentValue(RenderedOverlay overlay, String deployment, String variable, String value) {
        List<HasMetadata> objects = new ArrayList<>();
        for (HasMetadata object : overlay.objects()) {
            if (object instanceof Deployment d && d.getMetadata().getName().equals(deployment)) {
                Deployment changed = Serialization.clone(d);
                var env = changed.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                        .filter(e -> e.getName().equals(variable)).findFirst()
                        .orElseThrow(() -> new AssertionError(deployment + " sets no " + variable));
                env.setValue(value);
                objects.add(changed);
            } else {
                objects.add(object);
            }
        }
        return new RenderedOverlay(overlay.name(), objects);
    }

    /** A copy of the overlay whose generated ConfigMap {@code <name>-<hash>} lacks one key. */
    private static RenderedOverlay withoutConfigMapKey(RenderedOverlay overlay, String name, String key) {
        List<HasMetadata> objects = new ArrayList<>();
        for (HasMetadata object : overlay.objects()) {
            if (object instanceof ConfigMap configMap && configMap.getMetadata().getName().startsWith(name + "-")) {
                ConfigMap changed = Serialization.clone(configMap);
                assertThat(changed.getData().remove(key)).as(name + " has " + key).isNotNull();
                objects.add(changed);
            } else {
                objects.add(object);
            }
        }
        return new RenderedOverlay(overlay.name(), objects);
    }
}
