package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The flows DESIGN.md names, walked through each overlay's rendered NetworkPolicies: every flow the
 * platform needs is admitted, and stray flows (from outside to internal ports, from a team's pods,
 * to arbitrary addresses, a service to what it has no business with) are refused.
 */
class NetworkFlowsTest {

    private static final String GATEWAY = "access-gateway";
    private static final String PROVISIONING = "access-provisioning";
    private static final String DBA_GRANT = "dba-grant-service";
    private static final String BACKUP = "backup-service";
    private static final String BACKUP_VERIFIER = "backup-verifier";
    private static final String CONSOLE = "console-sync-service";
    /** The base's placeholder range for addresses an overlay must set (TEST-NET-1, RFC 5737). */
    static final String PLACEHOLDER_RANGE = "192.0.2.0/24";

    static Stream<RenderedOverlay> overlays() {
        return KustomizeOverlaysTest.overlays();
    }

    record Flow(String what, Peer from, Peer to, String protocol, int port, boolean allowed) {
        @Override
        public String toString() {
            return (allowed ? "allowed: " : "refused: ") + what + " (" + from + " -> " + to + " " + protocol + "/" + port + ")";
        }
    }

    /** The pods and addresses around the platform in one overlay. */
    private record Network(RenderedOverlay overlay, Map<String, Peer> services, Peer platformDb, Peer platformDbReplica,
            Peer kafkaBroker, Peer teamCluster, Peer teamPod, Peer kubeDns, Peer nodeLocalDns, Peer ingressController,
            Peer prometheus, Peer zalandoOperator, Peer laptop, Peer issuer, Peer objectStore, Peer kubernetesApi,
            Peer anyAddress, Peer migrationSource) {

        static Network of(RenderedOverlay overlay) {
            Map<String, Peer> services = new LinkedHashMap<>();
            KustomizeOverlaysTest.DEPLOYMENTS.keySet().forEach(name -> services.put(name, servicePod(overlay.deployment(name))));
            String namespace = services.get(GATEWAY).namespace();
            Map<String, String> dbLabels = Map.of("application", "spilo", "cluster-name", "nais-pg-db", "spilo-role", "master");
            Map<String, String> replicaLabels = Map.of("application", "spilo", "cluster-name", "nais-pg-db", "spilo-role", "replica");
            Map<String, Integer> dbPorts = Map.of("postgresql", 5432, "patroni", 8008);
            return new Network(overlay, services,
                    Peer.pod("platform database", namespace, dbLabels, dbPorts),
                    Peer.pod("platform database replica", namespace, replicaLabels, dbPorts),
                    Peer.pod("Kafka broker", "kafka", Map.of("strimzi.io/cluster", "nais-pg", "strimzi.io/kind", "Kafka")),
                    Peer.pod("team-a/demo-app cluster", "team-a", Map.of("application", "spilo", "cluster-name", "demo-app")),
                    Peer.pod("a team's application pod", "team-a", Map.of("app", "demo-app")),
                    Peer.pod("CoreDNS", "kube-system", Map.of("k8s-app", "kube-dns")),
                    Peer.external("NodeLocal DNSCache", "169.254.20.10"),
                    Peer.pod("ingress controller", "ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx")),
                    Peer.pod("Prometheus", "monitoring", Map.of("app.kubernetes.io/name", "prometheus")),
                    Peer.pod("Zalando operator", "postgres-operator", Map.of("app.kubernetes.io/name", "postgres-operator")),
                    Peer.external("a laptop on the internet", "100.70.1.2"),
                    Peer.external("OIDC issuer", firstAddress(overlay, "egress-oidc-issuer")),
                    Peer.external("object store", firstAddress(overlay, "egress-object-storage")),
                    Peer.external("Kubernetes API", firstAddress(overlay, "egress-kubernetes-api")),
                    Peer.external("an arbitrary internet address", "93.184.216.34"),
                    Peer.external("a team's old database (migration source)", firstAddress(overlay, "egress-migration-sources")));
        }

        Peer service(String name) {
            return services.get(name);
        }

        NetworkPolicyEvaluator evaluator() {
            return new NetworkPolicyEvaluator(overlay.all(NetworkPolicy.class));
        }
    }

    private static Peer servicePod(Deployment deployment) {
        var template = deployment.getSpec().getTemplate();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (var container : template.getSpec().getContainers()) {
            for (ContainerPort port : Optional.ofNullable(container.getPorts()).orElse(List.of())) {
                if (port.getName() != null) {
                    ports.put(port.getName(), port.getContainerPort());
                }
            }
        }
        return Peer.pod(deployment.getMetadata().getName(), deployment.getMetadata().getNamespace(),
                template.getMetadata().getLabels(), ports);
    }

    /** The overlay's address for an endpoint: the first address of the first ipBlock of its egress policy. */
    private static String firstAddress(RenderedOverlay overlay, String policyName) {
        NetworkPolicy policy = overlay.all(NetworkPolicy.class).stream()
                .filter(p -> p.getMetadata().getName().equals(policyName)).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no NetworkPolicy " + policyName));
        return policy.getSpec().getEgress().get(0).getTo().get(0).getIpBlock().getCidr().split("/")[0];
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyFlowThePlatformNeedsIsAdmitted(RenderedOverlay overlay) {
        Network net = Network.of(overlay);
        List<Flow> flows = new ArrayList<>();
        for (Peer service : net.services().values()) {
            flows.add(allowed("service -> its database", service, net.platformDb(), 5432));
            flows.add(allowed("service -> Kafka (TLS listener)", service, net.kafkaBroker(), 9093));
            flows.add(new Flow("service -> DNS (kube-dns)", service, net.kubeDns(), "UDP", 53, true));
            flows.add(allowed("service -> DNS over TCP (kube-dns)", service, net.kubeDns(), 53));
            flows.add(new Flow("service -> DNS (NodeLocal DNSCache)", service, net.nodeLocalDns(), "UDP", 53, true));
            flows.add(allowed("service -> OIDC issuer (JWKS)", service, net.issuer(), 443));
            flows.add(allowed("Prometheus -> metrics (management port)", net.prometheus(), service,
                    service.namedPorts().get("management")));
        }
        for (String name : List.of(PROVISIONING, BACKUP, BACKUP_VERIFIER)) {
            flows.add(allowed(name + " -> a team's cluster", net.service(name), net.teamCluster(), 5432));
            flows.add(allowed(name + " -> Kubernetes API (k8s: admin secrets)", net.service(name), net.kubernetesApi(), 443));
        }
        flows.add(allowed("gateway -> a team's cluster (as the person)", net.service(GATEWAY), net.teamCluster(), 5432));
        flows.add(allowed("backup -> object store", net.service(BACKUP), net.objectStore(), 443));
        flows.add(allowed("backup-verifier -> object store", net.service(BACKUP_VERIFIER), net.objectStore(), 443));
        flows.add(allowed("backup-verifier -> a migration source", net.service(BACKUP_VERIFIER), net.migrationSource(), 5432));
        flows.add(allowed("console-sync -> Kubernetes API (watch)", net.service(CONSOLE), net.kubernetesApi(), 443));
        flows.add(allowed("console-sync -> Kubernetes API on 6443", net.service(CONSOLE), net.kubernetesApi(), 6443));
        flows.add(allowed("CLI -> gateway", net.laptop(), net.service(GATEWAY), net.service(GATEWAY).namedPorts().get("gateway")));
        for (String name : List.of(DBA_GRANT, BACKUP, BACKUP_VERIFIER, CONSOLE)) {
            flows.add(allowed("ingress controller -> " + name + " API", net.ingressController(), net.service(name),
                    net.service(name).namedPorts().get("http")));
        }
        for (String name : List.of(DBA_GRANT, BACKUP)) {
            flows.add(allowed("console page action -> " + name + " API", net.service(CONSOLE), net.service(name),
                    net.service(name).namedPorts().get("http")));
        }
        flows.add(allowed("Patroni: replica streams from the leader", net.platformDbReplica(), net.platformDb(), 5432));
        flows.add(allowed("Patroni: members ask each other's REST API", net.platformDb(), net.platformDbReplica(), 8008));
        flows.add(allowed("Zalando operator -> database (roles)", net.zalandoOperator(), net.platformDb(), 5432));
        flows.add(allowed("Zalando operator -> Patroni API", net.zalandoOperator(), net.platformDb(), 8008));
        flows.add(allowed("Patroni -> Kubernetes API (leader lock)", net.platformDb(), net.kubernetesApi(), 443));
        flows.add(new Flow("database -> DNS", net.platformDb(), net.nodeLocalDns(), "UDP", 53, true));
        assertThat(wronglyDecided(net, flows)).as(overlay + ": flows the policies decide wrongly").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void strayFlowsAreRefused(RenderedOverlay overlay) {
        Network net = Network.of(overlay);
        List<Flow> flows = new ArrayList<>();
        for (Peer service : net.services().values()) {
            int http = service.namedPorts().get("http");
            flows.add(refused("service -> an arbitrary address on 443", service, net.anyAddress(), 443));
            flows.add(refused("service -> Kafka's plaintext listener", service, net.kafkaBroker(), 9092));
            flows.add(refused("a team's pod -> the service's http port", net.teamPod(), service, http));
            flows.add(refused("the internet -> the service's http port", net.laptop(), service, http));
            int management = service.namedPorts().get("management");
            flows.add(refused("a team's pod -> health and metrics", net.teamPod(), service, management));
            flows.add(refused("the internet -> health and metrics", net.laptop(), service, management));
            flows.add(refused("ingress controller -> health and metrics", net.ingressController(), service, management));
        }
        for (String name : List.of(GATEWAY, PROVISIONING)) {
            flows.add(refused("the internet -> " + name + " http", net.laptop(), net.service(name),
                    net.service(name).namedPorts().get("http")));
            flows.add(refused("Prometheus -> " + name + " http (metrics are on the management port)", net.prometheus(),
                    net.service(name), net.service(name).namedPorts().get("http")));
            flows.add(refused("ingress controller -> " + name + " http", net.ingressController(), net.service(name),
                    net.service(name).namedPorts().get("http")));
        }
        // the gateway holds no admin credential: it has no business with the Kubernetes API, whose
        // Secrets would be the way to one; and provisioning is not reachable from outside at all
        flows.add(refused("gateway -> Kubernetes API", net.service(GATEWAY), net.kubernetesApi(), 443));
        flows.add(refused("gateway -> Kubernetes API on 6443", net.service(GATEWAY), net.kubernetesApi(), 6443));
        flows.add(refused("the internet -> provisioning on the gateway's port", net.laptop(), net.service(PROVISIONING),
                net.service(GATEWAY).namedPorts().get("gateway")));
        flows.add(refused("a team's pod -> provisioning on the gateway's port", net.teamPod(), net.service(PROVISIONING),
                net.service(GATEWAY).namedPorts().get("gateway")));
        for (String name : List.of(DBA_GRANT, CONSOLE)) {
            flows.add(refused(name + " -> a team's cluster", net.service(name), net.teamCluster(), 5432));
            flows.add(refused(name + " -> object store", net.service(name), net.objectStore(), 443));
        }
        flows.add(refused("dba-grant -> Kubernetes API", net.service(DBA_GRANT), net.kubernetesApi(), 443));
        flows.add(refused("dba-grant -> backup API", net.service(DBA_GRANT), net.service(BACKUP),
                net.service(BACKUP).namedPorts().get("http")));
        for (String name : List.of(GATEWAY, PROVISIONING)) {
            flows.add(refused("console -> " + name + " http", net.service(CONSOLE), net.service(name),
                    net.service(name).namedPorts().get("http")));
        }
        // migrations run in backup-verifier only, and reach their sources on PostgreSQL's port only
        for (Peer service : net.services().values()) {
            if (!service.equals(net.service(BACKUP_VERIFIER))) {
                flows.add(refused(service + " -> a migration source", service, net.migrationSource(), 5432));
            }
        }
        flows.add(refused("backup-verifier -> a migration source on 443", net.service(BACKUP_VERIFIER), net.migrationSource(), 443));
        flows.add(refused("backup-verifier -> an arbitrary address on 5432", net.service(BACKUP_VERIFIER), net.anyAddress(), 5432));
        flows.add(refused("a team's pod -> the platform database", net.teamPod(), net.platformDb(), 5432));
        flows.add(refused("the platform database -> an arbitrary address", net.platformDb(), net.anyAddress(), 443));
        flows.add(refused("ingress controller -> the platform database", net.ingressController(), net.platformDb(), 5432));
        assertThat(wronglyDecided(net, flows)).as(overlay + ": flows the policies decide wrongly").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noEgressRuleOpensTheInternetAndEveryPlaceholderIsReplaced(RenderedOverlay overlay) {
        List<String> cidrs = overlay.all(NetworkPolicy.class).stream()
                .flatMap(p -> Optional.ofNullable(p.getSpec().getEgress()).orElse(List.of()).stream())
                .map(NetworkPolicyEgressRule::getTo).filter(to -> to != null)
                .flatMap(List::stream).map(NetworkPolicyPeer::getIpBlock).filter(block -> block != null)
                .map(block -> block.getCidr()).toList();
        assertThat(cidrs).isNotEmpty().allSatisfy(cidr -> {
            assertThat(Integer.parseInt(cidr.split("/")[1])).as(cidr + " is wider than an endpoint's range").isGreaterThanOrEqualTo(16);
            assertThat(NetworkPolicyEvaluator.inCidr(PLACEHOLDER_RANGE, cidr.split("/")[0]))
                    .as(overlay + ": placeholder " + cidr + " left; set the environment's address in the overlay").isFalse();
        });
    }

    private static Flow allowed(String what, Peer from, Peer to, int port) {
        return new Flow(what, from, to, "TCP", port, true);
    }

    private static Flow refused(String what, Peer from, Peer to, int port) {
        return new Flow(what, from, to, "TCP", port, false);
    }

    private static List<Flow> wronglyDecided(Network net, List<Flow> flows) {
        NetworkPolicyEvaluator policies = net.evaluator();
        return flows.stream().filter(f -> policies.allows(f.from(), f.to(), f.protocol(), f.port()) != f.allowed()).toList();
    }
}
