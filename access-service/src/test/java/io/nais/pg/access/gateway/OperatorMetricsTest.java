package io.nais.pg.access.gateway;

import static io.nais.pg.access.gateway.GatewayHarness.ALICE;
import static io.nais.pg.access.gateway.GatewayHarness.CLUSTER_ID;
import static io.nais.pg.access.gateway.GatewayHarness.MALLORY;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.events.LoginDenied;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.metrics.MetricCatalogue;
import io.nais.pg.testsupport.metrics.Scrape;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an operator reads on access-service's {@code /q/metrics} (docs/operations.md, "Metrics") after real work
 * in the running service (gateway and provisioning in one process): a member added by a real event and
 * provisioned on a real cluster, a login with pgjdbc, a refused login, a revoked session. Each series moves by
 * what that work implies, every family the catalogue lists for access-service is there, and no label or value
 * names a person.
 */
@QuarkusTest
@TestProfile(GatewayEnabledProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class OperatorMetricsTest {

    private static GatewayHarness h;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Inject
    GatewayService gateway;

    @BeforeAll
    static void world() {
        h = GatewayHarness.shared();
    }

    @Test
    void aProvisionedMemberALoginARefusalAndARevocationShowAsTheyHappened() throws Exception {
        String dora = "metrics-dora@example.com";
        Scrape before = scrape();

        h.member(dora);
        Scrape provisioned = scrape();
        assertThat(provisioned.value("nais_provisioning_roles_total", "result", "created"))
                .as("her write and read-only roles").isGreaterThanOrEqualTo(
                        before.value("nais_provisioning_roles_total", "result", "created") + 2);
        assertThat(provisioned.value("nais_provisioning_pass_duration_seconds_count", "outcome", "ok"))
                .isGreaterThan(before.value("nais_provisioning_pass_duration_seconds_count", "outcome", "ok"));
        assertThat(provisioned.value("nais_events_processed_total", "consumer", "access-membership"))
                .isGreaterThan(before.value("nais_events_processed_total", "consumer", "access-membership"));

        try (Connection session = h.connect(dora, h.tokens.valid(dora))) {
            assertThat(currentUser(session)).isEqualTo(dora);
            Scrape open = scrape();
            assertThat(open.value("nais_gateway_logins_total", "outcome", "accepted"))
                    .isEqualTo(before.value("nais_gateway_logins_total", "outcome", "accepted") + 1);
            assertThat(open.value("nais_gateway_login_duration_seconds_count", "outcome", "accepted"))
                    .isEqualTo(before.value("nais_gateway_login_duration_seconds_count", "outcome", "accepted") + 1);
            assertThat(open.value("nais_gateway_sessions_open")).isGreaterThanOrEqualTo(1);

            assertThatThrownBy(() -> h.connect(MALLORY, h.tokens.valid(MALLORY)))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
            h.await(LoginDenied.class, denied -> MALLORY.equals(denied.email()));
            assertThat(scrape().value("nais_gateway_logins_total", "outcome", "refused", "reason", "not-a-member"))
                    .isEqualTo(before.value("nais_gateway_logins_total", "outcome", "refused", "reason", "not-a-member")
                            + 1);

            gateway.revoke(CLUSTER_ID, dora, "member-removed");
            assertThatThrownBy(() -> currentUser(session))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57P01"));
        }
        Awaitility.await().atMost(GatewayHarness.WAIT).until(() -> scrape().value("nais_gateway_relayed_bytes_total",
                "direction", "to-client") > before.value("nais_gateway_relayed_bytes_total", "direction", "to-client"));
        Scrape after = scrape();
        assertThat(after.value("nais_gateway_sessions_revoked_total"))
                .isEqualTo(before.value("nais_gateway_sessions_revoked_total") + 1);
        assertThat(after.value("nais_gateway_relayed_bytes_total", "direction", "to-cluster"))
                .as("her query went to the cluster")
                .isGreaterThan(before.value("nais_gateway_relayed_bytes_total", "direction", "to-cluster"));
        assertThat(after.value("nais_gateway_logins_total", "outcome", "accepted"))
                .as("the refusal counted no acceptance")
                .isEqualTo(before.value("nais_gateway_logins_total", "outcome", "accepted") + 1);
        assertThat(after.text()).as("no person in any label or value").doesNotContain(dora, MALLORY, ALICE, "@");
    }

    /** The catalogue is what deploy's alerts and dashboard may read: each family it gives access-service is here. */
    @Test
    void everyFamilyTheCatalogueListsForAccessServiceIsExported() throws Exception {
        try (Connection session = h.connect(ALICE, h.tokens.valid(ALICE))) {
            currentUser(session);
        }
        Scrape scrape = scrape();
        assertThat(MetricCatalogue.exportedBy("access-service")).isNotEmpty()
                .allSatisfy(family -> assertThat(scrape.hasFamily(family.name()))
                        .as("%s in the scrape; it has %s", family.name(), scrape.names()).isTrue());
    }

    private Scrape scrape() {
        return Scrape.of(given().accept("text/plain").when().get(metrics).then().statusCode(200).extract().asString());
    }

    private static String currentUser(Connection session) throws SQLException {
        try (Statement s = session.createStatement(); ResultSet rs = s.executeQuery("select current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
