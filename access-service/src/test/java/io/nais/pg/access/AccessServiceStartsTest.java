package io.nais.pg.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import org.awaitility.Awaitility;

import org.junit.jupiter.api.Test;

import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/** The service starts against real Kafka and PostgreSQL (Flyway ran, outbox relay up) and reports it. */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true)
class AccessServiceStartsTest {

    /** Kafka is reported for alerting (wellness, gauge), never as readiness: see KafkaReachability. */
    @Test
    void readyOnTheDatabaseCheckWithKafkaReportedApart() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems("Database connections health check", "postgres-gateway"))
                .body("checks.name", not(hasItem("Kafka connection health check")));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/q/health/well").then().statusCode(200)
                        .body("checks.find { it.name == 'kafka' }.status", is("UP")));
        given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                .body(containsString("nais_kafka_reachable 1.0"));
    }

    @Test
    void metricsArePrometheusTextIncludingTheOutboxGauge() {
        given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE nais_outbox_pending gauge"));
    }
}
