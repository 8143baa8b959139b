package io.nais.pg.access.provisioning.it;

import static io.nais.pg.access.provisioning.HumanSessions.sqlStateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nais.pg.access.directory.AccessDirectory;
import io.nais.pg.access.provisioning.HumanSessions;
import io.nais.pg.events.AccessRevoked;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.nais.pg.access.ProvisioningMode;

/**
 * DBA grants end to end in access-service: real Kafka, a real team cluster and
 * real logins as the DBA's role (pgjdbc, TLS client certificate).
 */
@QuarkusTest
@TestProfile(ProvisioningMode.class)
@RealInfrastructure(kafka = true, postgres = true)
class DbaGrantSuperuserTest {

    private static final Duration WAIT = TeamClusterFixture.WAIT;
    private static final String TEAM = "team-dba";
    private static final String CLUSTER_ID = TEAM + "/app-d";

    private static TeamClusterFixture team;

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    AccessDirectory directory;

    @BeforeEach
    void teamCluster() {
        if (team == null) {
            team = TeamClusterFixture.start(infra, directory, TEAM, "app-d", HumanSessions::withCertificateLogins);
            await().atMost(WAIT).until(() -> team.roleExists("nais_human"));
        }
    }

    @Test
    void dbaRunsDdlOnlyWhileTheGrantIsActiveAndLosesTheOpenSessionAtExpiresAtWithoutGrantExpired() throws Exception {
        String dba = "dba-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        UUID grantId = UUID.randomUUID();
        Instant now = Instant.now();
        publish(new DbaAccessGranted(grantId, CLUSTER_ID, TEAM, dba, "lead@example.com", now, now.plusSeconds(6)));

        try (Connection open = awaitLogin(dba)) {
            assertThat(sqlStateOf(open, "CREATE TABLE public.\"ddl_by_dba_" + grantId.toString().substring(0, 8) + "\" (id int)")).isNull();
            assertThat(directory.activeDbaGrant(CLUSTER_ID, dba, Instant.now())).isPresent();
            // no GrantExpired is ever published: access-service ends the grant on its own at expiresAt
            await().atMost(WAIT).until(() -> sqlStateOf(open, "SELECT 1") != null);
            assertThat(sqlStateOf(open, "SELECT 1")).isIn("57P01", "08006", "08003");
        }
        assertThatThrownBy(() -> team.humans.connect(team.app.database(), dba))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
        // the DBA owns the table it made, so the role cannot be dropped (2BP01): it stays, powerless
        assertThat(roleExists(dba)).isTrue();
        assertThat(isSuperuser(dba)).as("a role left behind after the grant keeps no superuser").isFalse();
        assertThat(directory.activeDbaGrant(CLUSTER_ID, dba, Instant.now())).isEmpty();
        AccessRevoked revoked = new AccessRevoked(CLUSTER_ID, dba, "grant-expired");
        team.events.await(AccessRevoked.class, revoked::equals, WAIT);
    }

    @Test
    void memberDbaIsDemotedAtGrantExpiredKeepsDmlAndLosesDdl() throws Exception {
        String dba = "member-dba-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        publish(new TeamMemberAdded(TEAM, dba));
        await().atMost(WAIT).until(() -> directory.isMember(TEAM, dba)); // a member first, then a DBA
        UUID grantId = UUID.randomUUID();
        Instant now = Instant.now();
        publish(new DbaAccessGranted(grantId, CLUSTER_ID, TEAM, dba, "lead@example.com", now, now.plus(Duration.ofHours(1))));
        await().atMost(WAIT).until(() -> isSuperuser(dba));

        try (Connection open = awaitLogin(dba)) {
            assertThat(sqlStateOf(open, "CREATE TABLE public.\"member_ddl_" + grantId.toString().substring(0, 8) + "\" (id int)")).isNull();
            publish(new GrantExpired(grantId, CLUSTER_ID, TEAM, dba, Instant.now()));
            await().atMost(WAIT).until(() -> sqlStateOf(open, "SELECT 1") != null);
            assertThat(sqlStateOf(open, "SELECT 1")).isIn("57P01", "08006", "08003");
        }
        assertThat(isSuperuser(dba)).isFalse();
        try (Connection again = team.humans.connect(team.app.database(), dba)) {
            assertThat(sqlStateOf(again, "SELECT count(*) FROM public.customers")).isNull();
            assertThat(sqlStateOf(again, "CREATE TABLE public.after_expiry (id int)")).isEqualTo("42501");
        }
        AccessRevoked revoked = new AccessRevoked(CLUSTER_ID, dba, "grant-expired");
        team.events.await(AccessRevoked.class, revoked::equals, WAIT);
    }

    private static Connection awaitLogin(String email) {
        return team.awaitLogin(email);
    }

    private static <E extends PlatformEvent> void publish(E event) {
        team.publish(event);
    }

    private static boolean isSuperuser(String role) throws SQLException {
        return team.aboutRole("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = ?", role);
    }

    private static boolean roleExists(String role) throws SQLException {
        return team.roleExists(role);
    }
}
