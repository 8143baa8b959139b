package io.nais.pg.backup;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.nais.pg.backup.it.BackupTestProfile;
import io.nais.pg.kit.clusters.AdminSecretResolver;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The service starts against real Kafka and PostgreSQL (Flyway ran, outbox relay up) and reports it.
 * The backup tests' profile and S3 store, because the service needs storage and an age recipient to start.
 */
@QuarkusTest
@TestProfile(BackupTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
class BackupServiceStartsTest {

    /** Health and metrics on the management interface (quarkus.management.enabled), the port the probes and Prometheus use. */
    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    /** The public port (Ingress, LoadBalancer, a team's pods) serves neither: a real HTTP client gets 404. */
    @Test
    void publicPortServesNoHealthOrMetrics() {
        for (String path : List.of("/q/health", "/q/health/ready", "/q/health/live", "/q/metrics")) {
            given().when().get(path).then().statusCode(404);
        }
    }

    @Test
    void readyWithRealKafkaAndDatabaseChecks() {
        given().when().get(ready).then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems("Database connections health check", "Kafka connection health check"));
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
}
