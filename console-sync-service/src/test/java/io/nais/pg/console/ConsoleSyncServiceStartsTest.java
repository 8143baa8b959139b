package io.nais.pg.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import java.net.URL;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;

import org.junit.jupiter.api.Test;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.metrics.MetricCatalogue;
import io.nais.pg.testsupport.metrics.Scrape;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The service starts against real Kafka, PostgreSQL and its OIDC issuer (Flyway ran, outbox relay up) and reports it. */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class ConsoleSyncServiceStartsTest {

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

    @InjectInfrastructure
    Infrastructure infra;

    /**
     * The consumers' meters every service exports (docs/operations.md, "Metrics"), after a real event: the read
     * model's consumer counts the one it applied, and every family the catalogue lists for all services is there.
     */
    @Test
    void anAppliedEventIsCountedAndEveryFamilyOfAllServicesIsExported() {
        String consumer = "console-sync-service.read-model";
        double before = scrape().value("nais_events_processed_total", "consumer", consumer);
        try (TestEventBus events = infra.events()) {
            events.publish(Envelope.of("test", new TeamMemberAdded("team-metrics", "metrics-erin@example.com")));
        }
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> scrape().value("nais_events_processed_total", "consumer", consumer) >= before + 1);
        Scrape after = scrape();
        assertThat(after.text()).as("no person in any label or value").doesNotContain("metrics-erin", "@");
        // it publishes only the clusters it discovers, none here: the published-events counter has no series yet
        assertThat(MetricCatalogue.exportedBy("console-sync-service"))
                .filteredOn(family -> !family.exportedBy().contains("once one publishes")).isNotEmpty()
                .allSatisfy(family -> assertThat(after.hasFamily(family.name()))
                        .as("%s in the scrape; it has %s", family.name(), after.names()).isTrue());
    }

    private Scrape scrape() {
        return Scrape.of(given().accept("text/plain").when().get(metrics).then().statusCode(200).extract().asString());
    }
}
