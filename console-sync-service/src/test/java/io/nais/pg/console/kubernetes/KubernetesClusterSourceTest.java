package io.nais.pg.console.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.nais.pg.console.discovery.ClusterRefusals;
import io.nais.pg.console.discovery.RefusedClaim;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.ClusterRemoved;
import io.nais.pg.events.ClusterUpdated;
import io.nais.pg.events.EventTopic;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The informer against the fabric8 Kubernetes API test server in CRUD mode:
 * create, update and delete of {@code postgresql} resources reach the real
 * clusters topic once each, and a restarted informer emits nothing new; a
 * resource cannot take another team's cluster id.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(KubernetesClusterSourceTest.Enabled.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class KubernetesClusterSourceTest {

    public static class Enabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("nais.console.kubernetes.enabled", "true");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    KubernetesClient client;

    @Inject
    KubernetesClusterSource source;

    @Inject
    ClusterRefusals refusals;

    @Test
    void createUpdateDeleteEmitTheRightEventsOnceEachAndRestartEmitsNothing() {
        String team = "team-" + UUID.randomUUID().toString().substring(0, 8);
        String namespace = team; // the namespace is the team
        String clusterId = team + "/orders";
        try (TestEventBus events = infra.events()) {
            resources(namespace).resource(postgresql(namespace, team, "15", "Creating")).create();
            ClusterDiscovered discovered =
                    events.await(ClusterDiscovered.class, e -> e.clusterId().equals(clusterId), WAIT).data();
            assertThat(discovered).isEqualTo(new ClusterDiscovered(clusterId, team, "orders",
                    team + "-orders." + namespace + ".svc", 5432, "orders", "orders_owner", List.of("public"),
                    "k8s:" + namespace + "/postgres." + team + "-orders.credentials.postgresql.acid.zalan.do", "15",
                    "Creating"));

            resources(namespace).resource(postgresql(namespace, team, "16", "Running")).update();
            ClusterUpdated updated = events.await(ClusterUpdated.class, e -> e.clusterId().equals(clusterId), WAIT).data();
            assertThat(updated.pgVersion()).isEqualTo("16");
            assertThat(updated.status()).isEqualTo("Running");

            source.stop();
            source.start();
            await().atMost(WAIT).until(source::hasSynced);
            assertThat(source.syncNow()).isEmpty();

            resources(namespace).withName(team + "-orders").delete();
            events.await(ClusterRemoved.class, e -> e.clusterId().equals(clusterId), WAIT);

            // a marker cluster created after everything else: once it is on the topic, any duplicate would be too
            String markerId = team + "/marker";
            resources(namespace).resource(marker(namespace, team)).create();
            events.await(ClusterDiscovered.class, e -> e.clusterId().equals(markerId), WAIT);

            List<String> kinds = events.readAll(EventTopic.CLUSTERS).stream().filter(e -> e.key().equals(clusterId))
                    .map(e -> e.data().getClass().getSimpleName()).toList();
            assertThat(kinds).containsExactly("ClusterDiscovered", "ClusterUpdated", "ClusterRemoved");
        }
    }

    /**
     * Team-b squats team-a's cluster id: a {@code postgresql} resource in its own namespace with
     * {@code teamId: team-a}, team-a's resource name and app label. Team-a's cluster stays on team-a's host, the
     * squatter is refused and on the console; and a second resource in team-a's namespace claiming the same id
     * does not take it from the first either.
     */
    @Test
    void anotherTeamsResourceCannotTakeOverAClusterId() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String teamA = "team-a-" + suffix;
        String teamB = "team-b-" + suffix;
        String clusterId = teamA + "/orders";
        String teamAHost = teamA + "-orders." + teamA + ".svc";
        try (TestEventBus events = infra.events()) {
            resources(teamA).resource(postgresql(teamA, teamA, "15", "Running")).create();
            events.await(ClusterDiscovered.class, e -> e.clusterId().equals(clusterId), WAIT);

            resources(teamB).resource(postgresql(teamB, teamA, "16", "Running")).create();
            resources(teamA).resource(postgresql(teamA, teamA, "orders-copy", "16", "Running")).create();
            // created after the attack: once the marker is on the topic, the attack was synced too
            String markerId = teamA + "/marker";
            resources(teamA).resource(marker(teamA, teamA)).create();
            events.await(ClusterDiscovered.class, e -> e.clusterId().equals(markerId), WAIT);

            List<Object> clusterEvents = events.readAll(EventTopic.CLUSTERS).stream()
                    .filter(e -> e.key().equals(clusterId)).<Object>map(e -> e.data()).toList();
            assertThat(clusterEvents).hasSize(1).first().isInstanceOfSatisfying(ClusterDiscovered.class,
                    discovered -> assertThat(discovered.host()).isEqualTo(teamAHost));
            assertThat(events.readAll(EventTopic.CLUSTERS).stream().map(e -> e.data()))
                    .noneMatch(e -> e instanceof ClusterDiscovered d && d.team().equals(teamA)
                            && !d.host().endsWith("." + teamA + ".svc"))
                    .noneMatch(e -> e instanceof ClusterUpdated u && u.team().equals(teamA)
                            && !u.host().endsWith("." + teamA + ".svc"));

            // the refusals were recorded in the sync that emitted the marker
            assertThat(refusal(teamA + "-orders." + teamB + ".svc")).contains(
                    new RefusedClaim(teamA + "-orders." + teamB + ".svc", clusterId, teamB,
                            RefusedClaim.TEAM_NOT_NAMESPACE, "spec.teamId \"" + teamA
                                    + "\" is not the team of namespace \"" + teamB
                                    + "\"; the namespace decides the owning team"));
            assertThat(refusal("orders-copy." + teamA + ".svc")).map(RefusedClaim::reason)
                    .contains(RefusedClaim.ID_TAKEN);
        }
    }

    /**
     * A CloudNativePG {@code Cluster} becomes a cluster the way a Zalando {@code postgresql} does: the namespace is
     * the team, the admin reference names CNPG's superuser and CA secrets, and a Zalando resource's TLS CA is
     * referenced too.
     */
    @Test
    void aCloudNativePgClusterIsDiscoveredWithItsSuperuserAndCaSecrets() {
        String team = "team-" + UUID.randomUUID().toString().substring(0, 8);
        String clusterId = team + "/payments";
        String zalandoId = team + "/ledger";
        try (TestEventBus events = infra.events()) {
            cnpg(team).resource(cnpgCluster(team, "payments-db", "payments", "Cluster in healthy state")).create();
            ClusterDiscovered discovered =
                    events.await(ClusterDiscovered.class, e -> e.clusterId().equals(clusterId), WAIT).data();
            assertThat(discovered).isEqualTo(new ClusterDiscovered(clusterId, team, "payments",
                    "payments-db-rw." + team + ".svc", 5432, "payments", "payments_owner", List.of("public"),
                    "k8s:" + team + "/payments-db-superuser?ca=payments-db-ca", "16.4",
                    "Cluster in healthy state"));

            GenericKubernetesResource withTls = postgresql(team, team, team + "-ledger", "16", "Running");
            withTls.getMetadata().setLabels(Map.of("app", "ledger"));
            withTls.getAdditionalProperties().put("spec", Map.of("teamId", team, "postgresql", Map.of("version", "16"),
                    "databases", Map.of("ledger", "ledger_owner"), "tls", Map.of("secretName", "ledger-tls",
                            "caSecretName", "ledger-tls-ca")));
            resources(team).resource(withTls).create();
            assertThat(events.await(ClusterDiscovered.class, e -> e.clusterId().equals(zalandoId), WAIT).data()
                    .adminSecretRef()).isEqualTo("k8s:" + team + "/postgres." + team
                    + "-ledger.credentials.postgresql.acid.zalan.do?ca=ledger-tls-ca");
        }
    }

    /**
     * The cluster-id rule holds across both kinds: a CNPG {@code Cluster} in team-a's namespace claiming the id of
     * team-a's Zalando cluster does not take it, and one in team-b's namespace named and labelled like team-a's
     * app is team-b's cluster, never team-a's.
     */
    @Test
    void aCloudNativePgClusterCannotTakeAZalandoClustersId() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String teamA = "team-a-" + suffix;
        String teamB = "team-b-" + suffix;
        String clusterId = teamA + "/orders";
        try (TestEventBus events = infra.events()) {
            resources(teamA).resource(postgresql(teamA, teamA, "15", "Running")).create();
            events.await(ClusterDiscovered.class, e -> e.clusterId().equals(clusterId), WAIT);

            cnpg(teamA).resource(cnpgCluster(teamA, "orders-cnpg", "orders", "Cluster in healthy state")).create();
            cnpg(teamB).resource(cnpgCluster(teamB, teamA + "-orders", "orders", "Cluster in healthy state")).create();
            String markerId = teamA + "/marker";
            resources(teamA).resource(marker(teamA, teamA)).create();
            events.await(ClusterDiscovered.class, e -> e.clusterId().equals(markerId), WAIT);

            assertThat(events.readAll(EventTopic.CLUSTERS).stream().filter(e -> e.key().equals(clusterId))
                    .<Object>map(e -> e.data()).toList()).hasSize(1).first()
                    .isInstanceOfSatisfying(ClusterDiscovered.class, d -> assertThat(d.host())
                            .isEqualTo(teamA + "-orders." + teamA + ".svc"));
            assertThat(refusal("orders-cnpg-rw." + teamA + ".svc")).map(RefusedClaim::reason)
                    .contains(RefusedClaim.ID_TAKEN);
            ClusterDiscovered teamBs = events.await(ClusterDiscovered.class,
                    e -> e.clusterId().equals(teamB + "/orders"), WAIT).data();
            assertThat(teamBs.team()).isEqualTo(teamB);
            assertThat(teamBs.host()).isEqualTo(teamA + "-orders-rw." + teamB + ".svc");
            assertThat(teamBs.adminSecretRef()).startsWith("k8s:" + teamB + "/");
        }
    }

    /**
     * A team writes a CA secret name no reference may carry (the CRD does not validate it): that resource is
     * skipped, and every other cluster is still discovered.
     */
    @Test
    void aResourceNamingAnInvalidSecretIsSkippedWithoutStoppingDiscovery() {
        String team = "team-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestEventBus events = infra.events()) {
            GenericKubernetesResource invalid = cnpgCluster(team, "broken", "broken", "Cluster in healthy state");
            invalid.getAdditionalProperties().put("spec", Map.of("certificates",
                    Map.of("serverCASecret", "Not A Name?password=x")));
            cnpg(team).resource(invalid).create();
            cnpg(team).resource(cnpgCluster(team, "fine", "fine", "Cluster in healthy state")).create();

            events.await(ClusterDiscovered.class, e -> e.clusterId().equals(team + "/fine"), WAIT);
            String markerId = team + "/marker";
            resources(team).resource(marker(team, team)).create();
            events.await(ClusterDiscovered.class, e -> e.clusterId().equals(markerId), WAIT);
            assertThat(events.readAll(EventTopic.CLUSTERS)).noneMatch(e -> e.key().equals(team + "/broken"));
        }
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> cnpg(String namespace) {
        return client.genericKubernetesResources(CloudNativePgCluster.CONTEXT).inNamespace(namespace);
    }

    static GenericKubernetesResource cnpgCluster(String namespace, String name, String app, String phase) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(CloudNativePgCluster.API_VERSION).withKind(CloudNativePgCluster.KIND)
                .withNewMetadata().withName(name).withNamespace(namespace)
                .withLabels(Map.of("app", app)).endMetadata()
                .addToAdditionalProperties("spec", Map.of("instances", 3,
                        "imageName", "ghcr.io/cloudnative-pg/postgresql:16.4-bookworm",
                        "enableSuperuserAccess", true,
                        "bootstrap", Map.of("initdb", Map.of("database", app, "owner", app + "_owner"))))
                .addToAdditionalProperties("status", Map.of("phase", phase))
                .build();
    }

    private java.util.Optional<RefusedClaim> refusal(String resource) {
        return refusals.all().stream().filter(r -> r.resource().equals(resource)).findFirst();
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> resources(String namespace) {
        return client.genericKubernetesResources(ZalandoPostgresql.CONTEXT).inNamespace(namespace);
    }

    static GenericKubernetesResource postgresql(String namespace, String team, String version, String status) {
        return postgresql(namespace, team, team + "-orders", version, status);
    }

    static GenericKubernetesResource postgresql(String namespace, String team, String name, String version,
                                                String status) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(ZalandoPostgresql.API_VERSION).withKind(ZalandoPostgresql.KIND)
                .withNewMetadata().withName(name).withNamespace(namespace)
                .withLabels(Map.of("app", "orders")).endMetadata()
                .addToAdditionalProperties("spec", Map.of("teamId", team,
                        "postgresql", Map.of("version", version),
                        "databases", Map.of("orders", "orders_owner")))
                .addToAdditionalProperties("status", Map.of("PostgresClusterStatus", status))
                .build();
    }

    static GenericKubernetesResource marker(String namespace, String team) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(ZalandoPostgresql.API_VERSION).withKind(ZalandoPostgresql.KIND)
                .withNewMetadata().withName(team + "-marker").withNamespace(namespace)
                .withLabels(Map.of("app", "marker")).endMetadata()
                .addToAdditionalProperties("spec", Map.of("teamId", team, "postgresql", Map.of("version", "15"),
                        "databases", Map.of("marker", "marker_owner")))
                .build();
    }
}
