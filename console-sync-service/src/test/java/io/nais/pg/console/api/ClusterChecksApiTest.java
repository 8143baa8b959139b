package io.nais.pg.console.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.nais.pg.events.ClusterAccessConformanceChanged;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.DbaChangesDetected;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * What access-service found in a cluster reaches the team's cluster API: how people can log in
 * (ClusterAccessConformanceChanged, newest verdict) and what a DBA changed (DbaChangesDetected).
 */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class ClusterChecksApiTest {

    private static final String TEAM = "team-checks";
    private static final String CLUSTER = TEAM + "/ledger";
    private static final String MEMBER = "carol@example.com";

    @InjectInfrastructure
    Infrastructure infra;

    @Test
    void clusterDetailShowsLoginPathFindingsAndWhatADbaChanged() {
        TestEventBus events = infra.events();
        UUID grantId = UUID.randomUUID();
        publish(events, new TeamMemberAdded(TEAM, MEMBER));
        publish(events, new ClusterDiscovered(CLUSTER, TEAM, "ledger", "ledger.team.svc", 5432, "ledger", "ledger",
                List.of("public"), "k8s:team-checks/ledger", "16", "Running"));
        publish(events, new ClusterAccessConformanceChanged(CLUSTER, TEAM, false,
                List.of("line 3: host all all 0.0.0.0/0 md5 lets a person log in with md5")));
        publish(events, new DbaChangesDetected(grantId, CLUSTER, TEAM, "dba@example.com",
                DbaChangesDetected.Stage.AT_GRANT_END, List.of("added role stay_behind (LOGIN SUPERUSER)"),
                List.of("stay_behind")));
        String token = infra.oidc().token().subject(MEMBER).email(MEMBER).groups().sign();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath detail = given().auth().oauth2(token).when().get("/api/teams/" + TEAM + "/postgres/ledger")
                    .then().statusCode(200).extract().jsonPath();
            assertThat(detail.getBoolean("loginPaths.conforming")).isFalse();
            assertThat(detail.getList("loginPaths.findings", String.class)).singleElement().asString()
                    .startsWith("line 3:");
            assertThat(detail.getString("dbaChanges[0].grantId")).isEqualTo(grantId.toString());
            assertThat(detail.getList("dbaChanges[0].disabledRoles", String.class)).containsExactly("stay_behind");
            assertThat(detail.getList("auditTimeline.kind"))
                    .contains("ClusterAccessConformanceChanged", "DbaChangesDetected");
        });
    }

    private static void publish(TestEventBus events, PlatformEvent event) {
        events.publish(Envelope.of("test", event));
    }
}
