package io.nais.pg.access.provisioning.it;

import static io.nais.pg.access.provisioning.HumanSessions.sqlStateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nais.pg.access.directory.AccessDirectory;
import io.nais.pg.access.provisioning.HumanSessions;
import io.nais.pg.events.AccessRevoked;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;
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

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TEAM = "team-dba";
    private static final String CLUSTER_ID = TEAM + "/app-d";

    private static CertificateAuthority ca;
    private static PostgresCluster cluster;
    private static SeededApplication app;
    private static HumanSessions humans;
    private static TestEventBus events;

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    AccessDirectory directory;

    @BeforeEach
    void teamCluster() {
        if (cluster != null) {
            return;
        }
        ca = CertificateAuthority.create("dba-ca", Duration.ofHours(1));
        events = infra.events();
        cluster = infra.newCluster("team-dba-app", b -> HumanSessions.withCertificateLogins(b, ca));
        app = cluster.seedApplication("app-d");
        humans = new HumanSessions(cluster, ca);
        publish(new ClusterDiscovered(CLUSTER_ID, TEAM, "app-d", cluster.host(), cluster.port(), app.database(),
                app.owner(), List.of("public"), "file:" + cluster.adminSecretFile(), "15", "Running"));
        await().atMost(WAIT).until(() -> directory.cluster(CLUSTER_ID).isPresent() && roleExists("nais_human"));
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
        assertThatThrownBy(() -> humans.connect(app.database(), dba))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
        // the DBA owns the table it made, so the role cannot be dropped (2BP01): it stays, powerless
        assertThat(roleExists(dba)).isTrue();
        assertThat(isSuperuser(dba)).as("a role left behind after the grant keeps no superuser").isFalse();
        assertThat(directory.activeDbaGrant(CLUSTER_ID, dba, Instant.now())).isEmpty();
        AccessRevoked revoked = new AccessRevoked(CLUSTER_ID, dba, "grant-expired");
        events.await(AccessRevoked.class, revoked::equals, WAIT);
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
        try (Connection again = humans.connect(app.database(), dba)) {
            assertThat(sqlStateOf(again, "SELECT count(*) FROM public.customers")).isNull();
            assertThat(sqlStateOf(again, "CREATE TABLE public.after_expiry (id int)")).isEqualTo("42501");
        }
        AccessRevoked revoked = new AccessRevoked(CLUSTER_ID, dba, "grant-expired");
        events.await(AccessRevoked.class, revoked::equals, WAIT);
    }

    private static Connection awaitLogin(String email) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> humans.connect(app.database(), email), c -> c != null);
    }

    private static <E extends PlatformEvent> void publish(E event) {
        events.publish(Envelope.of("test", event));
    }

    private static boolean isSuperuser(String role) throws SQLException {
        try (Connection admin = cluster.connect(app.database());
             var ps = admin.prepareStatement("SELECT rolsuper FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static boolean roleExists(String role) throws SQLException {
        try (Connection admin = cluster.connect(app.database());
             var ps = admin.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
