package io.nais.pg.dbagrant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import jakarta.inject.Inject;

import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.nais.pg.dbagrant.expiry.ExpiryTimer;

import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The service starts against real Kafka, PostgreSQL and OIDC issuer (Flyway ran, outbox relay and expiry timer up) and reports it. */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class DbaGrantServiceStartsTest {

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

    @Inject
    ExpiryTimer timer;

    @Test
    void readyWithRealKafkaAndDatabaseChecks() {
        given().when().get(ready).then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems("Database connections health check", "Kafka connection health check"));
    }

    @Test
    void expiryTimerRunsFromStartUp() {
        assertThat(timer.isRunning()).isTrue();
    }

    @Test
    void metricsArePrometheusTextIncludingTheOutboxGauge() {
        given().accept("text/plain").when().get(metrics).then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE nais_outbox_pending gauge"));
    }
}
