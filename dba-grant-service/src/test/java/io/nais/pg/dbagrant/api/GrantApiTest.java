package io.nais.pg.dbagrant.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nais.pg.dbagrant.GrantWorld;
import io.nais.pg.dbagrant.expiry.ExpiryTimer;
import io.nais.pg.dbagrant.projection.TeamDirectory;
import io.nais.pg.events.DbaAccessDenied;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.DbaAccessRequested;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.GrantRevoked;
import io.nais.pg.kit.membership.MembershipProjection;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** Every rule of the grants API, through HTTP with tokens signed by the real test issuer. */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class GrantApiTest {

    private static final Duration EVENT_WAIT = Duration.ofSeconds(20);

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    TeamDirectory directory;

    @Inject
    MembershipProjection members;
    @Inject
    DataSource dataSource;
    @Inject
    ExpiryTimer timer;

    private GrantWorld world;

    @BeforeEach
    void world() {
        world = GrantWorld.create(infra, directory, members);
    }

    @Test
    void callWithoutTokenIsUnauthorized() {
        given().contentType(ContentType.JSON).body(Map.of("clusterId", world.clusterId))
                .post("/api/grants").then().statusCode(401);
    }

    @Test
    void requesterWithoutDbaGroupIsRefused() {
        file(world.leadToken(), "rebuild a broken index", "1h").statusCode(403)
                .body("rule", equalTo("not-dba")).body("message", containsString("DBA group"));
    }

    @Test
    void reasonShorterThanTenCharactersIsRefused() {
        file(world.dbaToken(), "fix it", "1h").statusCode(400).body("rule", equalTo("reason-too-short"));
    }

    @Test
    void durationAboveTheMaximumIsRefused() {
        file(world.dbaToken(), "rebuild a broken index", "5h").statusCode(400)
                .body("rule", equalTo("duration-too-long")).body("message", containsString("PT4H"));
    }

    @Test
    void requestForAnUnknownClusterIsRefused() {
        given().auth().oauth2(world.dbaToken()).contentType(ContentType.JSON)
                .body(Map.of("clusterId", "nobody/nothing", "reason", "rebuild a broken index", "duration", "1h"))
                .post("/api/grants").then().statusCode(404).body("rule", equalTo("unknown-cluster"));
    }

    @Test
    void requestIsStoredAndAnnouncedWithWhoAndWhy() {
        UUID id = request("1h");
        try (TestEventBus events = infra.events()) {
            DbaAccessRequested requested = events.await(DbaAccessRequested.class, e -> e.grantId().equals(id), EVENT_WAIT).data();
            assertThat(requested.requester()).isEqualTo(world.dba);
            assertThat(requested.team()).isEqualTo(world.team);
            assertThat(requested.reason()).isEqualTo("rebuild a broken index");
            assertThat(requested.duration()).isEqualTo(Duration.ofHours(1));
        }
    }

    @Test
    void requesterCannotApproveTheirOwnRequestEvenWithADbaToken() {
        UUID id = request("1h");
        decide(world.dbaToken(), id, "approve").statusCode(403).body("rule", equalTo("self-approval"));
        assertState(id, "REQUESTED");
    }

    @Test
    void nonMemberCannotApproveOrDeny() {
        UUID id = request("1h");
        decide(world.outsiderToken(), id, "approve").statusCode(403).body("rule", equalTo("not-team-member"));
        decide(world.outsiderToken(), id, "deny").statusCode(403).body("rule", equalTo("not-team-member"));
        assertState(id, "REQUESTED");
    }

    @Test
    void memberApprovesAndGrantedEventCarriesExpiresAtOneDurationLater() {
        UUID id = request("2h");
        decide(world.leadToken(), id, "approve").statusCode(200).body("state", equalTo("GRANTED"))
                .body("decidedBy", equalTo(world.lead));
        try (TestEventBus events = infra.events()) {
            DbaAccessGranted granted = events.await(DbaAccessGranted.class, e -> e.grantId().equals(id), EVENT_WAIT).data();
            assertThat(granted.approver()).isEqualTo(world.lead);
            assertThat(granted.requester()).isEqualTo(world.dba);
            assertThat(Duration.between(granted.grantedAt(), granted.expiresAt())).isEqualTo(Duration.ofHours(2));
        }
    }

    @Test
    void approvingADecidedRequestIsRefused() {
        UUID approved = request("1h");
        decide(world.leadToken(), approved, "approve").statusCode(200);
        decide(world.leadToken(), approved, "approve").statusCode(409).body("rule", equalTo("already-decided"));

        UUID denied = request("1h");
        decide(world.leadToken(), denied, "deny").statusCode(200).body("state", equalTo("DENIED"));
        decide(world.leadToken(), denied, "approve").statusCode(409).body("rule", equalTo("already-decided"));
    }

    @Test
    void approvingARequestOlderThanThePendingTtlIsRefusedAndTheTimerClosesIt() throws Exception {
        UUID id = request("1h");
        timer.stop();
        try {
            backdateRequest(id, Duration.ofMinutes(61));
            decide(world.leadToken(), id, "approve").statusCode(409).body("rule", equalTo("request-expired"));
            assertState(id, "REQUESTED");
        } finally {
            timer.start();
        }
        try (TestEventBus events = infra.events()) {
            DbaAccessDenied closed = events.await(DbaAccessDenied.class, e -> e.grantId().equals(id), EVENT_WAIT).data();
            assertThat(closed.decidedBy()).isEqualTo("dba-grant-service@nais.io");
            assertThat(closed.reason()).contains("no decision within");
        }
        assertState(id, "EXPIRED");
        decide(world.leadToken(), id, "approve").statusCode(409).body("rule", equalTo("already-decided"));
    }

    @Test
    void denialNeedsAReasonAndIsAnnouncedWithIt() {
        UUID id = request("1h");
        given().auth().oauth2(world.leadToken()).contentType(ContentType.JSON).body(Map.of("reason", " "))
                .post("/api/grants/" + id + "/deny").then().statusCode(400).body("rule", equalTo("reason-required"));
        given().auth().oauth2(world.leadToken()).contentType(ContentType.JSON).body(Map.of("reason", "not during the freeze"))
                .post("/api/grants/" + id + "/deny").then().statusCode(200).body("state", equalTo("DENIED"));
        try (TestEventBus events = infra.events()) {
            DbaAccessDenied denied = events.await(DbaAccessDenied.class, e -> e.grantId().equals(id), EVENT_WAIT).data();
            assertThat(denied.decidedBy()).isEqualTo(world.lead);
            assertThat(denied.reason()).isEqualTo("not during the freeze");
        }
    }

    @Test
    void activeGrantCanBeRevokedOnceByTheRequesterButNotByAnOutsider() {
        UUID id = request("1h");
        decide(world.leadToken(), id, "approve").statusCode(200);
        decide(world.outsiderToken(), id, "revoke").statusCode(403).body("rule", equalTo("not-team-member"));
        decide(world.dbaToken(), id, "revoke").statusCode(200).body("state", equalTo("REVOKED"))
                .body("decidedBy", equalTo(world.lead));
        decide(world.dbaToken(), id, "revoke").statusCode(409).body("rule", equalTo("not-active"));
        try (TestEventBus events = infra.events()) {
            GrantRevoked revoked = events.await(GrantRevoked.class, e -> e.grantId().equals(id), EVENT_WAIT).data();
            assertThat(revoked.revokedBy()).isEqualTo(world.dba);
        }
    }

    @Test
    void listFiltersByClusterAndState() {
        UUID pending = request("1h");
        UUID granted = request("1h");
        decide(world.leadToken(), granted, "approve").statusCode(200);
        given().auth().oauth2(world.leadToken()).queryParam("clusterId", world.clusterId).queryParam("state", "granted")
                .get("/api/grants").then().statusCode(200)
                .body("id", hasItem(granted.toString())).body("id", not(hasItem(pending.toString())));
        given().auth().oauth2(world.leadToken()).queryParam("state", "bogus").get("/api/grants").then()
                .statusCode(400).body("rule", equalTo("unknown-state"));
    }

    /**
     * Team-a's grant, reason and all, is for team-a, its requester and platform admins: a member of team-b sees
     * neither it in the list nor it by id; team-a's member, the requester and an admin do.
     */
    @Test
    void aMemberOfAnotherTeamSeesNoneOfTheTeamsGrantsOrReasonsAndAnAdminSeesAll() {
        UUID teamAGrant = request("1h");
        GrantWorld teamB = GrantWorld.create(infra, directory, members);

        List<String> seenByTeamB = given().auth().oauth2(teamB.leadToken()).get("/api/grants").then().statusCode(200)
                .extract().jsonPath().getList("id");
        assertThat(seenByTeamB).doesNotContain(teamAGrant.toString());
        given().auth().oauth2(teamB.leadToken()).get("/api/grants").then()
                .body("reason", not(hasItem("rebuild a broken index")))
                .body("team", not(hasItem(world.team)));
        given().auth().oauth2(teamB.leadToken()).get("/api/grants/" + teamAGrant).then().statusCode(404)
                .body("rule", equalTo("unknown-grant"));

        given().auth().oauth2(world.leadToken()).get("/api/grants").then().statusCode(200)
                .body("id", hasItem(teamAGrant.toString())).body("reason", hasItem("rebuild a broken index"));
        given().auth().oauth2(world.dbaToken()).get("/api/grants/" + teamAGrant).then().statusCode(200)
                .body("reason", equalTo("rebuild a broken index"));
        String admin = world.token("admin-" + world.team + "@example.com", "nais-admins");
        given().auth().oauth2(admin).queryParam("clusterId", world.clusterId).get("/api/grants").then()
                .statusCode(200).body("id", hasItem(teamAGrant.toString()));
        given().auth().oauth2(admin).get("/api/grants/" + teamAGrant).then().statusCode(200)
                .body("team", equalTo(world.team));
    }

    @Test
    void aTokenForAnotherAudienceIsUnauthorized() {
        String foreign = infra.oidc().token().subject(world.lead).email(world.lead).audience("some-other-app").sign();
        given().auth().oauth2(foreign).get("/api/grants").then().statusCode(401);
    }

    @Test
    void aTokenWhoseEmailIsNotVerifiedIsUnauthorized() {
        String unverified = infra.oidc().token().subject(world.lead).email(world.lead).emailVerified(false).sign();
        given().auth().oauth2(unverified).get("/api/grants").then().statusCode(401);
        String silent = infra.oidc().token().subject(world.lead).email(world.lead).emailVerified(null).sign();
        given().auth().oauth2(silent).get("/api/grants").then().statusCode(401);
        given().auth().oauth2(world.leadToken()).get("/api/grants").then().statusCode(200);
    }

    @Test
    void requestArrivingAsAnEventIsFiledAndABrokenOneIsDeniedWithTheRule() {
        UUID good = UUID.randomUUID();
        UUID tooShort = UUID.randomUUID();
        try (TestEventBus events = infra.events()) {
            events.publish(Envelope.of("some-portal", new DbaAccessRequested(good, world.clusterId, world.team,
                    world.dba, "vacuum full on the orders table", Duration.ofMinutes(30))));
            events.publish(Envelope.of("some-portal", new DbaAccessRequested(tooShort, world.clusterId, world.team,
                    world.dba, "because", Duration.ofMinutes(30))));
            DbaAccessDenied denied = events.await(DbaAccessDenied.class, e -> e.grantId().equals(tooShort), EVENT_WAIT).data();
            assertThat(denied.reason()).contains("at least 10 characters");
        }
        await().atMost(EVENT_WAIT).untilAsserted(() -> assertState(good, "REQUESTED"));
        decide(world.leadToken(), good, "approve").statusCode(200).body("state", equalTo("GRANTED"));
        assertState(tooShort, "DENIED");
    }

    @Test
    void openApiDocumentDescribesTheGrantsApi() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/api/grants/{id}/approve"));
    }

    private UUID request(String duration) {
        String id = file(world.dbaToken(), "rebuild a broken index", duration).statusCode(201)
                .body("state", equalTo("REQUESTED")).extract().path("id");
        return UUID.fromString(id);
    }

    private ValidatableResponse file(String token, String reason, String duration) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("clusterId", world.clusterId, "reason", reason, "duration", duration))
                .post("/api/grants").then();
    }

    private ValidatableResponse decide(String token, UUID id, String action) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("reason", "checked with the team"))
                .post("/api/grants/" + id + "/" + action).then();
    }

    private void assertState(UUID id, String state) {
        given().auth().oauth2(world.leadToken()).get("/api/grants/" + id).then().statusCode(200)
                .body("state", equalTo(state));
    }

    private void backdateRequest(UUID id, Duration age) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE dba_grant SET requested_at = ? WHERE grant_id = ?")) {
            s.setObject(1, java.time.OffsetDateTime.ofInstant(Instant.now().minus(age), java.time.ZoneOffset.UTC));
            s.setString(2, id.toString());
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }
}
