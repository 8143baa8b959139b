package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every overlay renders with the real kubectl and its objects pass the platform's sanity rules. */
class KustomizeOverlaysTest {

    /** Deployments nothing calls, so without a Service: provisioning holds admin credentials and serves nobody. */
    static final Set<String> UNCALLED = Set.of("access-provisioning");
    static final List<String> SERVICES = List.of("access-gateway", "access-provisioning", "dba-grant-service", "backup-service", "console-sync-service");

    /**
     * Every Deployment, by name, with the module it runs ({@link Repository#module}): the services above, and
     * backup-verifier, which is backup-service in {@code nais.backup.mode=verify} (the half that holds the age
     * identity).
     */
    static final Map<String, String> DEPLOYMENTS = deployments();

    private static Map<String, String> deployments() {
        Map<String, String> deployments = new java.util.LinkedHashMap<>();
        SERVICES.forEach(service -> deployments.put(service, Repository.module(service)));
        deployments.put("backup-verifier", Repository.module("backup-verifier"));
        return java.util.Collections.unmodifiableMap(deployments);
    }

    static Stream<RenderedOverlay> overlays() {
        return RenderedOverlay.OVERLAYS.stream().map(RenderedOverlay::render);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyRenderedObjectIsTypedByTheFabric8ModelExceptStrimziResources(RenderedOverlay overlay) {
        assertThat(overlay.objects()).isNotEmpty();
        assertThat(overlay.all(GenericKubernetesResource.class))
                .as("only CRD kinds may fall back to the generic model")
                .allSatisfy(o -> assertThat(o.getKind()).isIn("KafkaTopic", "KafkaUser", "ExternalSecret", "SecretStore",
                        "PodMonitor", "PrometheusRule", "Certificate"));
        assertThat(overlay.objects()).allSatisfy(o -> assertThat(o.getMetadata().getName()).isNotBlank());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceHasADeploymentServiceAccountServiceAndDisruptionBudget(RenderedOverlay overlay) {
        for (String service : DEPLOYMENTS.keySet()) {
            assertThat(names(overlay.all(Deployment.class))).contains(service);
            assertThat(names(overlay.all(ServiceAccount.class))).contains(service);
            if (!UNCALLED.contains(service)) {
                assertThat(names(overlay.all(Service.class))).contains(service);
            }
            assertThat(overlay.all(PodDisruptionBudget.class))
                    .anySatisfy(pdb -> assertThat(pdb.getSpec().getSelector().getMatchLabels())
                            .containsEntry("app.kubernetes.io/name", service));
            assertThat(overlay.deployment(service).getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(service);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyDeploymentHasProbesLimitsAndANonRootLockedDownSecurityContext(RenderedOverlay overlay) {
        assertThat(overlay.deployments()).hasSize(DEPLOYMENTS.size());
        for (Deployment deployment : overlay.deployments()) {
            assertThat(DeploymentRules.violations(overlay, deployment)).as(deployment.getMetadata().getName()).isEmpty();
        }
    }

    /** Certificates are read at start: a rotated Kafka client certificate or CA must restart the pods (Reloader). */
    @ParameterizedTest
    @MethodSource("overlays")
    void everyDeploymentRestartsWhenASecretItUsesChanges(RenderedOverlay overlay) {
        assertThat(overlay.deployments()).allSatisfy(d -> assertThat(d.getMetadata().getAnnotations())
                .as(d.getMetadata().getName()).containsEntry("reloader.stakater.com/auto", "true"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void onlyTheGatewayIsExposedOutsideTheClusterAsATcpLoadBalancer(RenderedOverlay overlay) {
        List<Service> exposed = overlay.all(Service.class).stream()
                .filter(s -> !"ClusterIP".equals(s.getSpec().getType())).toList();
        assertThat(names(exposed)).containsExactly("access-gateway");
        Service gateway = exposed.get(0);
        assertThat(gateway.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(gateway.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getProtocol()).isEqualTo("TCP");
            assertThat(port.getTargetPort().getStrVal()).isEqualTo("gateway");
        });
        var pod = overlay.deployment("access-gateway").getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("gateway");
            assertThat(p.getContainerPort()).isEqualTo(5433);
        });
        assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null)
                .anySatisfy(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("access-gateway-tls"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void networkPoliciesDenyByDefaultAndOnlyTheGatewayPortAcceptsAnySource(RenderedOverlay overlay) {
        List<NetworkPolicy> policies = overlay.all(NetworkPolicy.class);
        assertThat(policies).anySatisfy(p -> {
            assertThat(p.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
            assertThat(p.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(p.getSpec().getIngress()).isNullOrEmpty();
            assertThat(p.getSpec().getEgress()).isNullOrEmpty();
        });
        var openIngress = policies.stream()
                .flatMap(p -> p.getSpec().getIngress() == null ? Stream.empty() : p.getSpec().getIngress().stream())
                .filter(rule -> rule.getFrom() == null || rule.getFrom().isEmpty())
                .toList();
        assertThat(openIngress).singleElement()
                .satisfies(rule -> assertThat(rule.getPorts()).singleElement()
                        .satisfies(port -> assertThat(port.getPort().getStrVal()).isEqualTo("gateway")));
    }

    /**
     * The gateway holds a short-lived intermediate that cert-manager renews well before it ends, never the root;
     * it reads a renewal itself (a mount without subPath; Reloader told to leave it), and no ExternalSecret makes
     * the Secret (so no long-lived CA key sits in the secret manager for the gateway).
     */
    @ParameterizedTest
    @MethodSource("overlays")
    @SuppressWarnings("unchecked")
    void theGatewayHoldsAShortLivedIntermediateThatCertManagerRenews(RenderedOverlay overlay) {
        GenericKubernetesResource certificate = overlay.custom("Certificate").stream()
                .filter(c -> c.getMetadata().getName().equals("access-gateway-client-ca")).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no Certificate access-gateway-client-ca"));
        Map<String, Object> spec = (Map<String, Object>) certificate.getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("isCA", true).containsEntry("secretName", "access-gateway-client-ca");
        java.time.Duration duration = goDuration((String) spec.get("duration"));
        java.time.Duration renewBefore = goDuration((String) spec.get("renewBefore"));
        assertThat(duration).as("short-lived").isLessThanOrEqualTo(java.time.Duration.ofDays(7));
        assertThat(renewBefore).as("renewed well before it ends").isGreaterThanOrEqualTo(duration.dividedBy(2));
        assertThat((Map<String, Object>) spec.get("issuerRef")).containsEntry("kind", "ClusterIssuer");
        assertThat((Map<String, Object>) spec.get("privateKey")).containsEntry("rotationPolicy", "Always");
        assertThat((Map<String, Object>) ((Map<String, Object>) spec.get("secretTemplate")).get("annotations"))
                .containsEntry("reloader.stakater.com/ignore", "true");
        var pod = overlay.deployment("access-gateway").getSpec().getTemplate().getSpec();
        String volume = pod.getVolumes().stream().filter(v -> v.getSecret() != null
                && v.getSecret().getSecretName().equals("access-gateway-client-ca")).findFirst().orElseThrow().getName();
        assertThat(pod.getContainers().get(0).getVolumeMounts()).filteredOn(m -> m.getName().equals(volume))
                .singleElement().satisfies(m -> assertThat(m.getSubPath()).as("a subPath mount never sees a renewal").isNull());
        assertThat(SecretsProvidedTest.externalSecretKeys(overlay)).doesNotContainKey("access-gateway-client-ca");
    }

    /** cert-manager's durations as this repository writes them: whole hours. */
    private static java.time.Duration goDuration(String value) {
        assertThat(value).matches("[0-9]+h");
        return java.time.Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1)));
    }

    /**
     * The two backup calls that decrypt (verify, restore) reach the half that holds the age identity, on the same
     * host; a list, a new backup or any other path under /api/backups does not match their route.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void verifyAndRestoreAreRoutedToTheVerifierOnTheSameHost(RenderedOverlay overlay) {
        Ingress main = ingress(overlay, "nais-pg-api");
        Ingress restores = ingress(overlay, "nais-pg-api-restores");
        var rule = restores.getSpec().getRules().get(0);
        assertThat(rule.getHost()).isEqualTo(main.getSpec().getRules().get(0).getHost());
        assertThat(restores.getMetadata().getAnnotations()).containsEntry("nginx.ingress.kubernetes.io/use-regex", "true");
        HTTPIngressPath path = rule.getHttp().getPaths().get(0);
        assertThat(rule.getHttp().getPaths()).hasSize(1);
        assertThat(path.getBackend().getService().getName()).isEqualTo("backup-verifier");
        java.util.regex.Pattern route = java.util.regex.Pattern.compile("^" + path.getPath());
        assertThat(route.matcher("/api/backups/team-a/orders/verify").find()).isTrue();
        assertThat(route.matcher("/api/backups/team-a/orders/restore").find()).isTrue();
        assertThat(route.matcher("/api/backups/team-a/orders").find()).isFalse();
        assertThat(route.matcher("/api/backups/team-a/orders/verify/x").find()).isFalse();
    }

    /**
     * The half that writes backups holds neither the age identity nor the verifier's S3 keys, and the verifier
     * holds neither the recipients' Secret nor the writer's S3 keys: one break-in gets one half.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void onlyTheVerifierHoldsTheAgeIdentityAndEachHalfHasItsOwnS3Keys(RenderedOverlay overlay) {
        Deployment writer = overlay.deployment("backup-service");
        Deployment verifier = overlay.deployment("backup-verifier");
        assertThat(secretsUsed(writer)).contains("backup-service-storage", "backup-service-age")
                .doesNotContain("backup-verifier-age", "backup-verifier-storage");
        assertThat(secretsUsed(verifier)).contains("backup-verifier-storage", "backup-verifier-age")
                .doesNotContain("backup-service-age", "backup-service-storage");
        assertThat(ProvidedConfig.of(overlay, writer).envNames()).doesNotContain("NAIS_BACKUP_ENCRYPTION_IDENTITY_FILE");
        assertThat(ProvidedConfig.of(overlay, writer).literals()).containsEntry("NAIS_BACKUP_MODE", "backup");
        assertThat(ProvidedConfig.of(overlay, verifier).literals()).containsEntry("NAIS_BACKUP_MODE", "verify")
                .containsKey("NAIS_BACKUP_ENCRYPTION_IDENTITY_FILE");
    }

    private static java.util.Set<String> secretsUsed(Deployment deployment) {
        var pod = deployment.getSpec().getTemplate().getSpec();
        java.util.Set<String> names = new java.util.TreeSet<>();
        pod.getVolumes().stream().filter(v -> v.getSecret() != null).forEach(v -> names.add(v.getSecret().getSecretName()));
        pod.getContainers().forEach(c -> java.util.Optional.ofNullable(c.getEnv()).orElse(List.of()).stream()
                .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                .forEach(e -> names.add(e.getValueFrom().getSecretKeyRef().getName())));
        return names;
    }

    private static Ingress ingress(RenderedOverlay overlay, String name) {
        return overlay.all(Ingress.class).stream().filter(i -> i.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no Ingress " + name));
    }

    /**
     * The CLI's dba.url, backup.url and api.url, and the console page: one TLS host, routed by path; never access-service.
     * Migrations go to backup-verifier, the process that runs them next to the clusters.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theRestApisAreRoutedThroughOneTlsIngressAndAccessServiceIsNot(RenderedOverlay overlay) {
        Ingress ingress = overlay.all(Ingress.class).stream().filter(i -> i.getMetadata().getName().equals("nais-pg-api"))
                .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no Ingress nais-pg-api"));
        var rule = ingress.getSpec().getRules().get(0);
        assertThat(ingress.getSpec().getTls()).singleElement()
                .satisfies(tls -> assertThat(tls.getHosts()).containsExactly(rule.getHost()));
        Map<String, String> backends = rule.getHttp().getPaths().stream().collect(Collectors.toMap(HTTPIngressPath::getPath,
                path -> path.getBackend().getService().getName()));
        assertThat(backends).containsExactlyInAnyOrderEntriesOf(Map.of("/api/grants", "dba-grant-service",
                "/api/backups", "backup-service", "/api/migrations", "backup-verifier", "/api", "console-sync-service",
                "/console", "console-sync-service"));
        assertThat(rule.getHttp().getPaths()).allSatisfy(path -> {
            assertThat(path.getPathType()).isEqualTo("Prefix");
            assertThat(path.getBackend().getService().getPort().getName()).isEqualTo("http");
        });
        assertThat(overlay.all(Ingress.class)).allSatisfy(i -> assertThat(i.getSpec().getRules())
                .allSatisfy(r -> assertThat(r.getHttp().getPaths())
                        .noneSatisfy(p -> assertThat(p.getBackend().getService().getName()).isEqualTo("access-service"))));
    }

    /**
     * Health and metrics ({@code /q/*}) are served on the pods' management port only: no Ingress path reaches
     * {@code /q}, and no Service exposes the management port (Prometheus scrapes the pods themselves).
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void healthAndMetricsAreNeitherRoutedNorExposedByAService(RenderedOverlay overlay) {
        assertThat(overlay.all(Ingress.class)).allSatisfy(i -> assertThat(i.getSpec().getRules())
                .allSatisfy(r -> assertThat(r.getHttp().getPaths()).allSatisfy(path -> {
                    assertThat(path.getPath()).doesNotStartWith("/q");
                    assertThat(path.getBackend().getService().getPort().getName()).isNotEqualTo("management");
                })));
        assertThat(overlay.all(Service.class)).allSatisfy(service -> assertThat(service.getSpec().getPorts())
                .allSatisfy(port -> assertThat(String.valueOf(port.getTargetPort().getValue()))
                        .as(overlay + ": Service " + service.getMetadata().getName())
                        .isNotIn("management", "9000")));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void secretsAreReadableOnlyByNameAndNeverListed(RenderedOverlay overlay) {
        Stream<PolicyRule> rules = Stream.concat(
                overlay.all(Role.class).stream().flatMap(r -> r.getRules().stream()),
                overlay.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()));
        List<PolicyRule> secretRules = rules.filter(r -> r.getResources().contains("secrets") || r.getResources().contains("*")).toList();
        // the k8s: resolver gets a secret by name and then watches that name for rotation: never a list
        assertThat(secretRules).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.getVerbs()).contains("get").isSubsetOf("get", "watch");
            assertThat(rule.getResourceNames()).isNotEmpty();
        });
        assertThat(overlay.all(Role.class)).filteredOn(role -> role.getMetadata().getName().equals("nais-pg-admin-secrets"))
                .isNotEmpty().allSatisfy(role -> assertThat(role.getRules()).singleElement()
                        .satisfies(rule -> assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "watch")));
        assertThat(overlay.all(ClusterRole.class)).allSatisfy(role -> assertThat(role.getRules()).allSatisfy(rule -> {
            assertThat(rule.getResources()).doesNotContain("secrets", "*");
            assertThat(rule.getVerbs()).isSubsetOf("get", "list", "watch");
        }));
        assertThat(overlay.all(ClusterRole.class)).anySatisfy(role -> assertThat(role.getRules()).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("acid.zalan.do");
            assertThat(rule.getResources()).containsExactly("postgresqls");
        }));
        assertThat(overlay.all(ClusterRole.class)).anySatisfy(role -> assertThat(role.getRules()).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("postgresql.cnpg.io");
            assertThat(rule.getResources()).containsExactly("clusters");
        }));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaIsConfiguredWithTheSameKeysInEveryService(RenderedOverlay overlay) {
        var keySets = overlay.deployments().stream()
                .map(d -> ProvidedConfig.of(overlay, d).envNames().stream().filter(n -> n.startsWith("KAFKA_")).sorted().toList())
                .distinct().toList();
        assertThat(keySets).singleElement()
                .satisfies(keys -> assertThat(keys).contains("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_SECURITY_PROTOCOL"));
    }

    private static List<String> names(List<? extends HasMetadata> objects) {
        return objects.stream().map(o -> o.getMetadata().getName()).toList();
    }
}
