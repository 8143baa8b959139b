package io.nais.pg.dbagrant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.nais.pg.dbagrant.expiry.ExpiryTimer;

import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/** The service starts against real Kafka, PostgreSQL and OIDC issuer (Flyway ran, outbox relay and expiry timer up) and reports it. */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class DbaGrantServiceStartsTest {

    @Inject
    ExpiryTimer timer;

    @Test
    void readyWithRealKafkaAndDatabaseChecks() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems("Database connections health check", "Kafka connection health check"));
    }

    @Test
    void expiryTimerRunsFromStartUp() {
        assertThat(timer.isRunning()).isTrue();
    }

    @Test
    void metricsArePrometheusTextIncludingTheOutboxGauge() {
        given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE nais_outbox_pending gauge"));
    }
}
