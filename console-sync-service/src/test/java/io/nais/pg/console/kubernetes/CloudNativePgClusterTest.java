package io.nais.pg.console.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.nais.pg.console.discovery.DesiredCluster;

/** The pure mapping of a CloudNativePG {@code Cluster} to the cluster it announces. */
class CloudNativePgClusterTest {

    private static final KubernetesConfig CONFIG = new KubernetesConfig() {
        @Override public boolean enabled() { return true; }
        @Override public List<ClusterOperator> operators() { return List.of(ClusterOperator.values()); }
        @Override public String appLabel() { return "app"; }
        @Override public String databaseLabel() { return "nais.io/database"; }
        @Override public Duration debounce() { return Duration.ofMillis(50); }
        @Override public Duration resync() { return Duration.ofMinutes(10); }
    };

    @Test
    void withoutBootstrapSettingsItIsCnpgsDefaultAppDatabaseOwnedByApp() {
        DesiredCluster cluster = map(Map.of(), Map.of("labels", Map.of()), Map.of("phase", "Setting up primary"));

        assertThat(cluster.clusterId()).isEqualTo("team-a/orders");
        assertThat(cluster.host()).isEqualTo("orders-rw.team-a.svc");
        assertThat(cluster.database()).isEqualTo("app");
        assertThat(cluster.applicationRole()).isEqualTo("app");
        assertThat(cluster.adminSecretRef()).isEqualTo("k8s:team-a/orders-superuser?ca=orders-ca");
        assertThat(cluster.pgVersion()).isEqualTo("unknown");
        assertThat(cluster.status()).isEqualTo("Setting up primary");
    }

    @Test
    void aRecoveredClusterTakesItsDatabaseFromTheRecoveryBootstrap() {
        DesiredCluster cluster = map(Map.of("bootstrap", Map.of("recovery", Map.of("database", "orders",
                "owner", "orders_app"))), Map.of(), null);

        assertThat(cluster.database()).isEqualTo("orders");
        assertThat(cluster.applicationRole()).isEqualTo("orders_app");
        assertThat(cluster.status()).isNull();
    }

    @Test
    void ownSuperuserAndServerCaSecretsAreReferencedInsteadOfTheGeneratedOnes() {
        DesiredCluster cluster = map(Map.of("superuserSecret", Map.of("name", "orders-admin"),
                "certificates", Map.of("serverCASecret", "orders-server-ca")), Map.of(), null);

        assertThat(cluster.adminSecretRef()).isEqualTo("k8s:team-a/orders-admin?ca=orders-server-ca");
    }

    @Test
    void theVersionIsTheImageTagsVersionElseTheRunningImagesElseTheCatalogsMajor() {
        assertThat(map(Map.of("imageName", "ghcr.io/cloudnative-pg/postgresql:16.4-bookworm@sha256:0123"), Map.of(),
                null).pgVersion()).isEqualTo("16.4");
        assertThat(map(Map.of("imageName", "registry:5000/postgresql:17"), Map.of(), null).pgVersion())
                .isEqualTo("17");
        assertThat(map(Map.of(), Map.of(), Map.of("image", "ghcr.io/cloudnative-pg/postgresql:15.8")).pgVersion())
                .isEqualTo("15.8");
        assertThat(map(Map.of("imageCatalogRef", Map.of("kind", "ClusterImageCatalog", "major", 16)), Map.of(), null)
                .pgVersion()).isEqualTo("16");
    }

    @SuppressWarnings("unchecked")
    private static DesiredCluster map(Map<String, Object> spec, Map<String, Object> metadata,
                                      Map<String, Object> status) {
        Map<String, String> labels = (Map<String, String>) metadata.getOrDefault("labels", Map.of());
        return CloudNativePgCluster.toCluster("team-a", "orders", labels, spec, status, CONFIG).orElseThrow();
    }
}
