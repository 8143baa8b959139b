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
 * clusters topic once each, and a restarted informer emits nothing new.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(KubernetesClusterSourceTest.Enabled.class)
@RealInfrastructure(kafka = true, postgres = true)
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

    @Test
    void createUpdateDeleteEmitTheRightEventsOnceEachAndRestartEmitsNothing() {
        String namespace = "ns-" + UUID.randomUUID().toString().substring(0, 8);
        String team = "team-" + namespace.substring(3);
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
            await().atMost(WAIT).until(() -> source.syncNow().isEmpty() && synced());

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

    private boolean synced() {
        return source.syncNow().isEmpty();
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> resources(String namespace) {
        return client.genericKubernetesResources(ZalandoPostgresql.CONTEXT).inNamespace(namespace);
    }

    static GenericKubernetesResource postgresql(String namespace, String team, String version, String status) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(ZalandoPostgresql.API_VERSION).withKind(ZalandoPostgresql.KIND)
                .withNewMetadata().withName(team + "-orders").withNamespace(namespace)
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
