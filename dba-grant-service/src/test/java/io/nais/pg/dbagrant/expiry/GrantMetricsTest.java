package io.nais.pg.dbagrant.expiry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nais.pg.dbagrant.GrantWorld;
import io.nais.pg.dbagrant.projection.TeamDirectory;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.kit.membership.MembershipProjection;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.metrics.MetricCatalogue;
import io.nais.pg.testsupport.metrics.Scrape;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * What an operator reads on dba-grant-service's {@code /q/metrics} (docs/operations.md, "Metrics") while a real
 * grant goes through its life over the REST API: pending while it waits, active once approved, overdue while
 * the timer is held past its expiry (what alert NaisPgGrantExpiryLate watches), and its lateness once expired.
 */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class GrantMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    TeamDirectory directory;
    @Inject
    MembershipProjection members;
    @Inject
    ExpiryTimer timer;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    private GrantWorld world;

    @BeforeEach
    void world() {
        world = GrantWorld.create(infra, directory, members);
    }

    @AfterEach
    void timerRunsAgain() {
        timer.start();
    }

    @Test
    void aGrantIsPendingThenActiveThenOverdueWhileTheTimerIsHeldThenExpiredWithItsLateness() {
        timer.stop();
        Scrape before = scrape();

        String id = given().auth().oauth2(world.dbaToken()).contentType(ContentType.JSON)
                .body(Map.of("clusterId", world.clusterId, "reason", "rebuild a broken index", "duration", "2s"))
                .post("/api/grants").then().statusCode(201).extract().path("id");
        assertThat(scrape().value("nais_dba_grants", "state", "pending"))
                .isEqualTo(before.value("nais_dba_grants", "state", "pending") + 1);

        try (TestEventBus events = infra.events()) {
            given().auth().oauth2(world.leadToken()).contentType(ContentType.JSON).body("{}")
                    .post("/api/grants/" + id + "/approve").then().statusCode(200);
            Scrape approved = scrape();
            assertThat(approved.value("nais_dba_grants", "state", "pending"))
                    .isEqualTo(before.value("nais_dba_grants", "state", "pending"));
            assertThat(approved.value("nais_dba_grants", "state", "active"))
                    .isEqualTo(before.value("nais_dba_grants", "state", "active") + 1);

            Instant expiresAt = events.await(DbaAccessGranted.class, e -> e.grantId().equals(UUID.fromString(id)), WAIT)
                    .data().expiresAt();
            Awaitility.await().atMost(WAIT).until(() -> Instant.now().isAfter(expiresAt.plusSeconds(1)));
            assertThat(scrape().value("nais_dba_grant_overdue_seconds")).as("held past its expiry").isGreaterThan(0);

            timer.start();
            events.await(GrantExpired.class, e -> e.grantId().equals(UUID.fromString(id)), WAIT);
        }
        Scrape after = scrape();
        assertThat(after.value("nais_dba_grant_expiry_lateness_seconds_count"))
                .isEqualTo(before.value("nais_dba_grant_expiry_lateness_seconds_count") + 1);
        assertThat(after.value("nais_dba_grant_expiry_lateness_seconds_sum") - before.value("nais_dba_grant_expiry_lateness_seconds_sum"))
                .as("expired at least a second late (the timer was held)").isGreaterThanOrEqualTo(1);
        assertThat(after.value("nais_dba_grants", "state", "active"))
                .isEqualTo(before.value("nais_dba_grants", "state", "active"));
        assertThat(after.value("nais_dba_grant_overdue_seconds")).isZero();
        assertThat(after.text()).as("no person in any label or value").doesNotContain(world.dba, world.lead, "@");
        assertThat(MetricCatalogue.exportedBy("dba-grant-service")).isNotEmpty()
                .allSatisfy(family -> assertThat(after.hasFamily(family.name()))
                        .as("%s in the scrape; it has %s", family.name(), after.names()).isTrue());
    }

    private Scrape scrape() {
        return Scrape.of(given().accept("text/plain").when().get(metrics).then().statusCode(200).extract().asString());
    }
}
