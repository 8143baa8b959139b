package io.nais.pg.backup.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.it.BackupTestLifecycle;
import io.nais.pg.backup.it.BackupTestProfile;
import io.nais.pg.backup.it.TeamCluster;
import io.nais.pg.backup.it.Tokens;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.kit.membership.MembershipProjection;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Who may use the backup API, with real tokens signed by the test issuer and
 * membership learned from real TeamMemberAdded/Removed events on Kafka:
 * no token 401; a non-member 403; a member lists, verifies and requests
 * backups of their team but may not restore; a platform admin may do all.
 */
@QuarkusTest
@TestProfile(BackupTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
class BackupApiAccessTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    private static final String TEAM = "team-auth";
    private static final String MEMBER = "Member@Example.com";
    private static final String STRANGER = "stranger@example.com";
    private static final String PATH = "/api/backups/" + TEAM + "/books";

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    ClusterRegistry clusters;
    @Inject
    MembershipProjection members;

    private static TestEventBus events;
    private static TeamCluster cluster;

    @Test
    void withoutATokenEveryCallIs401() {
        announced();
        given().get(PATH).then().statusCode(401);
        given().post(PATH).then().statusCode(401);
        given().post(PATH + "/verify").then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of("backupId", "00000000-0000-0000-0000-000000000000",
                "targetDatabase", "x")).post(PATH + "/restore").then().statusCode(401);
        given().auth().oauth2("not.a.token").get(PATH).then().statusCode(401);
    }

    @Test
    void aTokenForAnotherAudienceIs401() {
        announced();
        String foreign = infra.oidc().token().email(MEMBER).subject(MEMBER).audience("someone-else").sign();
        given().auth().oauth2(foreign).get(PATH).then().statusCode(401);
    }

    @Test
    void aMembersTokenWhoseEmailIsNotVerifiedIs401() {
        announced();
        String unverified = infra.oidc().token().email(MEMBER).subject(MEMBER).emailVerified(false).sign();
        given().auth().oauth2(unverified).get(PATH).then().statusCode(401);
        given().auth().oauth2(unverified).post(PATH).then().statusCode(401);
        given().auth().oauth2(Tokens.person(MEMBER)).get(PATH).then().statusCode(200);
    }

    @Test
    void aNonMemberIsRefusedEverythingWith403() {
        announced();
        String stranger = Tokens.person(STRANGER);
        given().auth().oauth2(stranger).get(PATH).then().statusCode(403)
                .body("error", containsString("not a member of team " + TEAM));
        given().auth().oauth2(stranger).post(PATH).then().statusCode(403);
        given().auth().oauth2(stranger).post(PATH + "/verify").then().statusCode(403);
        restore(stranger).then().statusCode(403);
    }

    @Test
    void aMemberListsVerifiesAndRequestsButMayNotRestore() {
        announced();
        String member = Tokens.person(MEMBER.toLowerCase());
        given().auth().oauth2(member).get(PATH).then().statusCode(200);
        // past the access check: the answer is about the backups, not about the caller
        given().auth().oauth2(member).post(PATH + "/verify").then().statusCode(404)
                .body("error", containsString("no completed backup"));
        given().auth().oauth2(member).post(PATH).then().statusCode(202);
        restore(member).then().statusCode(403).body("error", containsString("platform admins only"));
    }

    @Test
    void aRemovedMemberIsRefusedAgain() {
        announced();
        String leaver = "leaver@example.com";
        events.publish(Envelope.of("test", new TeamMemberAdded(TEAM, leaver)));
        await().atMost(30, TimeUnit.SECONDS).until(() -> members.isMember(TEAM, leaver));
        given().auth().oauth2(Tokens.person(leaver)).get(PATH).then().statusCode(200);

        events.publish(Envelope.of("test", new TeamMemberRemoved(TEAM, leaver)));
        await().atMost(30, TimeUnit.SECONDS).until(() -> !members.isMember(TEAM, leaver));
        given().auth().oauth2(Tokens.person(leaver)).get(PATH).then().statusCode(403);
    }

    @Test
    void aPlatformAdminMayRestoreAnyTeamsBackup() {
        announced();
        given().auth().oauth2(Tokens.admin()).get(PATH).then().statusCode(200);
        // past the access check: no such backup
        restore(Tokens.admin()).then().statusCode(404);
    }

    private static io.restassured.response.Response restore(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("backupId", "00000000-0000-0000-0000-000000000000", "targetDatabase", "books_copy"))
                .post(PATH + "/restore");
    }

    /** A real cluster of the team, announced on Kafka, and MEMBER on the team (from a real event). */
    private void announced() {
        if (cluster == null) {
            events = lifecycle.events(infra);
            cluster = lifecycle.started(TeamCluster.start(infra, TEAM, "books", 100));
            cluster.announce(events);
            events.publish(Envelope.of("test", new TeamMemberAdded(TEAM, MEMBER)));
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> clusters.live(cluster.clusterId()).isPresent()
                && members.isMember(TEAM, MEMBER));
    }
}
