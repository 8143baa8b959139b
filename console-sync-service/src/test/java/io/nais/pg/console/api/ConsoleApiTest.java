package io.nais.pg.console.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.nais.pg.console.discovery.ClusterSync;
import io.nais.pg.console.discovery.RefusedClaim;
import io.nais.pg.events.BackupCompleted;
import io.nais.pg.events.BackupFailed;
import io.nais.pg.events.BackupStarted;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.ClusterUpdated;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.DbaAccessRequested;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.GrantRevoked;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.HumanRoleRemoved;
import io.nais.pg.events.LoginDenied;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.RestoreVerified;
import io.nais.pg.events.SessionOpened;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A scripted sequence of events on the real topics, then the API over HTTP
 * with real OIDC tokens: exactly the expected state, and 403 for outsiders.
 */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class ConsoleApiTest {

    static final int AUDIT_LINES = ScriptedTeam.AUDIT_LINES;

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    ClusterSync sync;

    private static ScriptedTeam script;

    @BeforeAll
    static void reset() {
        script = null;
    }

    /** Publishes the script once per class; every test then waits for the last fact to be folded. */
    private ScriptedTeam script() {
        if (script == null) {
            script = new ScriptedTeam().publish(infra);
        }
        return script;
    }

    private String tokenFor(String email, String... groups) {
        return infra.oidc().token().subject(email).email(email).groups(groups).sign();
    }

    private JsonPath getAs(String token, String path, int status) {
        return given().auth().oauth2(token).when().get(path).then().statusCode(status).extract().jsonPath();
    }

    private ScriptedTeam awaitFolded() {
        ScriptedTeam t = script();
        String token = tokenFor(t.alice);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                getAs(token, "/api/audit?team=" + t.team, 200).getList("items")).hasSize(AUDIT_LINES));
        return t;
    }

    @Test
    void teamClustersShowExactlyTheFoldedState() {
        ScriptedTeam t = awaitFolded();

        JsonPath clusters = getAs(tokenFor(t.alice), "/api/teams/" + t.team + "/postgres", 200);

        assertThat(clusters.getList("clusterId")).containsExactly(t.cluster);
        Map<String, Object> row = clusters.getMap("[0]");
        assertThat(row).containsEntry("status", "Running").containsEntry("pgVersion", "16")
                .containsEntry("peopleWithAccess", 1).containsEntry("activeGrants", 1)
                .containsEntry("lastBackupBytes", 4096).containsEntry("lastRestoreCheckOk", true)
                .containsEntry("host", "orders.team.svc").containsEntry("port", 5432);
        assertThat(row.get("lastBackupAt")).isNotNull();
    }

    @Test
    void clusterDetailListsAccessGrantsBackupsSessionsAndAudit() {
        ScriptedTeam t = awaitFolded();

        JsonPath detail = getAs(tokenFor(t.alice), "/api/teams/" + t.team + "/postgres/" + t.app, 200);

        assertThat(detail.getList("access.email")).containsExactly(t.alice);
        assertThat(detail.getList("activeGrants.grantId")).containsExactly(t.activeGrant.toString());
        assertThat(detail.getString("activeGrants[0].reason")).isEqualTo("vacuum full");
        assertThat(detail.getLong("activeGrants[0].secondsLeft")).isBetween(100 * 60L, 2 * 3600L);
        assertThat(detail.getString("activeGrants[0].timeLeft")).matches("1h \\d+m");
        assertThat(detail.getList("backups.backupId")).containsExactlyInAnyOrder(t.goodBackup.toString(),
                t.failedBackup.toString());
        assertThat(detail.getString("backups.find { it.backupId == '" + t.goodBackup + "' }.state")).isEqualTo("COMPLETED");
        assertThat(detail.getBoolean("lastRestoreCheck.ok")).isTrue();
        assertThat(detail.getList("recentSessions.kind")).containsExactly("LoginDenied", "SessionOpened");
        assertThat(detail.getList("auditTimeline")).hasSize(AUDIT_LINES);
    }

    @Test
    void auditFiltersByPersonAndTimeAndPages() {
        ScriptedTeam t = awaitFolded();
        String token = tokenFor(t.alice);

        JsonPath dba = getAs(token, "/api/audit?team=" + t.team + "&person=" + t.dba, 200);
        assertThat(dba.getList("items.kind")).containsExactly("GrantRevoked", "DbaAccessGranted", "DbaAccessGranted",
                "DbaAccessRequested");

        JsonPath first = getAs(token, "/api/audit?team=" + t.team + "&size=4", 200);
        assertThat(first.getList("items")).hasSize(4);
        JsonPath second = getAs(token, "/api/audit?team=" + t.team + "&size=4&cursor=" + first.getString("nextCursor"), 200);
        assertThat(second.getList("items")).hasSize(4);
        assertThat(second.getList("items.id")).doesNotContainAnyElementsOf(first.getList("items.id"));

        JsonPath future = getAs(token, "/api/audit?team=" + t.team + "&from=" + Instant.now().plusSeconds(3600), 200);
        assertThat(future.getList("items")).isEmpty();
        assertThat(future.getString("nextCursor")).isNull();
    }

    @Test
    void nonMemberGets403AndAdminSeesEveryTeam() {
        ScriptedTeam t = awaitFolded();

        getAs(tokenFor(t.bob), "/api/teams/" + t.team + "/postgres", 403);
        getAs(tokenFor(t.bob), "/api/teams/" + t.team + "/postgres/" + t.app, 403);
        getAs(tokenFor(t.bob), "/api/audit?team=" + t.team, 403);
        getAs(tokenFor(t.alice), "/api/postgres", 403);
        assertThat(getAs(tokenFor(t.bob), "/api/audit", 200).getList("items")).isEmpty();

        String admin = tokenFor("admin@example.com", "nais-admins");
        assertThat(getAs(admin, "/api/teams/" + t.team + "/postgres", 200).getList("clusterId")).containsExactly(t.cluster);
        assertThat(getAs(admin, "/api/postgres?size=2000", 200).getList("items.clusterId")).contains(t.cluster);
    }

    @Test
    void requestWithoutAValidTokenIs401() {
        ScriptedTeam t = script();
        given().when().get("/api/teams/" + t.team + "/postgres").then().statusCode(401);
        given().auth().oauth2("not-a-token").when().get("/api/teams/" + t.team + "/postgres").then().statusCode(401);
    }

    /**
     * A refused claim on another team's cluster id is on the console for the claimed team (and the claimant's,
     * and admins), never for an unrelated person.
     */
    @Test
    void refusedClusterClaimsAreShownToTheTeamsTheyConcernAndToAdmins() {
        ScriptedTeam t = awaitFolded();
        String squatter = "squatter-" + UUID.randomUUID().toString().substring(0, 8);
        String resource = t.app + "." + squatter + ".svc";
        sync.sync("console-api-test", List.of(), List.of(new RefusedClaim(resource, t.cluster, squatter,
                RefusedClaim.TEAM_NOT_NAMESPACE, "spec.teamId names another team")));

        assertThat(getAs(tokenFor(t.alice), "/api/postgres/refusals", 200).getList("resource")).contains(resource);
        assertThat(getAs(tokenFor("admin@example.com", "nais-admins"), "/api/postgres/refusals", 200)
                .getList("reason")).contains(RefusedClaim.TEAM_NOT_NAMESPACE);
        assertThat(getAs(tokenFor(t.bob), "/api/postgres/refusals", 200).getList("resource"))
                .doesNotContain(resource);
    }

    /** A token the platform's own issuer minted for another application is not a token for the console. */
    @Test
    void tokenForAnotherAudienceIs401() {
        ScriptedTeam t = script();
        String admin = infra.oidc().token().subject("admin@example.com").email("admin@example.com")
                .groups("nais-admins").audience("some-other-app").sign();
        given().auth().oauth2(admin).when().get("/api/postgres").then().statusCode(401);
        given().auth().oauth2(admin).when().get("/api/teams/" + t.team + "/postgres").then().statusCode(401);
        getAs(tokenFor("admin@example.com", "nais-admins"), "/api/postgres", 200);
    }

    /** An email the identity provider has not verified names nobody: the member's own token is refused. */
    @Test
    void tokenWhoseEmailIsNotVerifiedIs401() {
        ScriptedTeam t = awaitFolded();
        String unverified = infra.oidc().token().subject(t.alice).email(t.alice).emailVerified(false).sign();
        given().auth().oauth2(unverified).when().get("/api/teams/" + t.team + "/postgres").then().statusCode(401);
        getAs(tokenFor(t.alice), "/api/teams/" + t.team + "/postgres", 200);
    }

    /** Emails are one spelling: a token spelling the member's email in capitals sees the member's team. */
    @Test
    void tokenEmailInAnotherCaseIsTheSamePerson() {
        ScriptedTeam t = awaitFolded();
        String shouting = t.alice.toUpperCase(java.util.Locale.ROOT);
        assertThat(getAs(tokenFor(shouting), "/api/teams/" + t.team + "/postgres", 200).getList("clusterId"))
                .containsExactly(t.cluster);
    }
}
