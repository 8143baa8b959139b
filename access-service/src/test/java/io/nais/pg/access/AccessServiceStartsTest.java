package io.nais.pg.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.nais.pg.kit.clusters.AdminSecretResolver;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.nais.pg.access.gateway.GatewayService;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The provisioning Deployment's process, with the production configuration: it starts against real Kafka
 * and PostgreSQL (Flyway ran, outbox relay up), reports it, and opens no gateway port.
 */
@QuarkusTest
@TestProfile(ProvisioningModeAsDeployed.class)
@RealInfrastructure(kafka = true, postgres = true)
class AccessServiceStartsTest {

    /** Health and metrics on the management interface (quarkus.management.enabled), the port the probes and Prometheus use. */
    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "/health/well", management = true)
    URL well;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    /** The public port (Ingress, LoadBalancer, a team's pods) serves neither: a real HTTP client gets 404. */
    @Test
    void publicPortServesNoHealthOrMetrics() {
        for (String path : List.of("/q/health", "/q/health/ready", "/q/health/live", "/q/metrics")) {
            given().when().get(path).then().statusCode(404);
        }
    }

    /** Kafka is reported for alerting (wellness, gauge), never as readiness: see KafkaReachability. */
    @Test
    void readyOnTheDatabaseCheckWithKafkaReportedApart() {
        given().when().get(ready).then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems("Database connections health check", "postgres-gateway"))
                .body("checks.name", not(hasItem("Kafka connection health check")));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get(well).then().statusCode(200)
                        .body("checks.find { it.name == 'kafka' }.status", is("UP")));
        given().accept("text/plain").when().get(metrics).then().statusCode(200)
                .body(containsString("nais_kafka_reachable 1.0"));
    }

    @Test
    void metricsArePrometheusTextIncludingTheOutboxGauge() {
        given().accept("text/plain").when().get(metrics).then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE nais_outbox_pending gauge"));
    }

    @Inject
    @Any
    Instance<AdminSecretResolver> resolvers;

    /** Production's k8s: resolver is wired in, and the service is ready without any Kubernetes configuration. */
    @Test
    void resolvesFileAndKubernetesReferencesWithoutNeedingKubernetesToStart() {
        assertThat(resolvers.stream().map(AdminSecretResolver::scheme)).contains("file", "k8s");
        // looked up as the resolver does on its first k8s: reference (a removed bean would fail only then)
        assertThat(Arc.container().select(KubernetesClient.class).isResolvable()).isTrue();
        given().when().get(ready).then().statusCode(200);
    }

    @Inject
    GatewayService gateway;

    /** Provisioning holds the admin credentials: nothing of it may face clients, so no gateway port is opened. */
    @Test
    void provisioningModeOpensNoGatewayPort() {
        assertThat(gateway.isAccepting()).isFalse();
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", ProvisioningModeAsDeployed.gatewayPort()), 2_000);
            }
        }).isInstanceOf(ConnectException.class);
    }
}
