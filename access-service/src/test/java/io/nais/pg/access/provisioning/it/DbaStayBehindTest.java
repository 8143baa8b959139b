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

import org.junit.jupiter.api.Test;

import io.nais.pg.access.directory.AccessDirectory;
import io.nais.pg.access.provisioning.HumanSessions;
import io.nais.pg.access.provisioning.pass.ProvisioningScheduler;
import io.nais.pg.access.provisioning.pass.ReconcileQueue;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.DbaChangesDetected;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.GrantRevoked;
import io.nais.pg.events.PlatformEvent;
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
 * Issue 18, hole 10: a DBA with an approved grant leaves a superuser behind and changes the cluster; after the
 * grant is revoked the role cannot log in (pgjdbc, directly, with the password the DBA gave it), it is
 * NOLOGIN, and the owning team is told what changed. The cluster admits only the roles the platform and the
 * operator know, as the platform configures clusters.
 */
@QuarkusTest
@TestProfile(ProvisioningMode.class)
@RealInfrastructure(kafka = true, postgres = true)
class DbaStayBehindTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TEAM = "team-stay";
    private static final String CLUSTER_ID = TEAM + "/app-s";
    private static final String PASSWORD = "stay-behind-secret-1";

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    AccessDirectory directory;
    @Inject
    ReconcileQueue queue;
    @Inject
    ProvisioningScheduler scheduler;

    @Test
    void superuserLeftBehindByADbaIsDisabledAndEveryChangeIsReportedWhenTheGrantEnds() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("stay-ca", Duration.ofHours(1));
        TestEventBus events = infra.events();
        PostgresCluster cluster = infra.newCluster("team-stay-app", b -> b.tls(ca)
                .hba("hostssl all postgres 127.0.0.1/32 scram-sha-256")
                .hba("hostssl all +nais_human 127.0.0.1/32 cert")
                .onlyKnownRoles(SeededApplication.ownerOf("app-s")));
        SeededApplication app = cluster.seedApplication("app-s");
        HumanSessions humans = new HumanSessions(cluster, ca);
        publish(events, new ClusterDiscovered(CLUSTER_ID, TEAM, "app-s", cluster.host(), cluster.port(),
                app.database(), app.owner(), List.of("public"), "file:" + cluster.adminSecretFile(), "15", "Running"));
        await().atMost(WAIT).until(() -> directory.cluster(CLUSTER_ID).isPresent());

        String dba = "dba-stay@example.com";
        UUID grantId = UUID.randomUUID();
        Instant now = Instant.now();
        publish(events, new DbaAccessGranted(grantId, CLUSTER_ID, TEAM, dba, "lead@example.com", now,
                now.plus(Duration.ofHours(1))));
        try (Connection asDba = await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> humans.connect(app.database(), dba), c -> c != null)) {
            await().atMost(WAIT).until(() -> sqlStateOf(asDba, "SELECT 1 FROM pg_authid LIMIT 1") == null);
            assertThat(sqlStateOf(asDba, "CREATE ROLE stay_behind SUPERUSER LOGIN PASSWORD '" + PASSWORD + "'")).isNull();
            assertThat(sqlStateOf(asDba, "ALTER SYSTEM SET log_min_duration_statement = 0")).isNull();
            assertThat(sqlStateOf(asDba, "ALTER ROLE " + app.owner() + " SET search_path = public, pg_catalog")).isNull();
            assertThat(sqlStateOf(asDba, "CREATE FUNCTION public.backdoor() RETURNS int LANGUAGE sql"
                    + " SECURITY DEFINER AS 'SELECT 1'")).isNull();

            publish(events, new GrantRevoked(grantId, CLUSTER_ID, TEAM, dba, "lead@example.com", "done"));
            DbaChangesDetected atEnd = events.await(DbaChangesDetected.class,
                    e -> e.grantId().equals(grantId) && e.stage() == DbaChangesDetected.Stage.AT_GRANT_END, WAIT).data();

            assertThat(atEnd.requester()).isEqualTo(dba);
            assertThat(atEnd.disabledRoles()).containsExactly("stay_behind");
            // a full resync during the grant may have announced some of them already: each is announced once
            assertThat(changesOf(events, grantId).stream().flatMap(e -> e.differences().stream()).toList())
                    .contains("added role stay_behind (LOGIN SUPERUSER)")
                    .anyMatch(d -> d.startsWith("added setting log_min_duration_statement (postgresql.auto.conf)"))
                    .anyMatch(d -> d.startsWith("added role setting " + app.owner() + " in every database"))
                    .anyMatch(d -> d.startsWith("added security definer function backdoor()")
                            || d.startsWith("added security definer function public.backdoor()"))
                    .noneMatch(d -> d.contains(PASSWORD));
        }
        assertThat(canLogIn(cluster, app, "stay_behind")).isFalse();
        assertThatThrownBy(() -> cluster.connect(app.database(), "stay_behind", PASSWORD).close())
                .as("a direct login as the role the DBA left behind")
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));

        // something the DBA planted gives the role LOGIN again: the next full resync takes it away again
        cluster.execute(app.database(), "ALTER ROLE stay_behind LOGIN");
        scheduler.wake(queue.markAllForResync());
        DbaChangesDetected after = events.await(DbaChangesDetected.class,
                e -> e.grantId().equals(grantId) && e.stage() == DbaChangesDetected.Stage.AFTER_GRANT, WAIT).data();
        assertThat(after.disabledRoles()).containsExactly("stay_behind");
        assertThat(canLogIn(cluster, app, "stay_behind")).isFalse();
    }

    private static List<DbaChangesDetected> changesOf(TestEventBus events, UUID grantId) {
        return events.readAll(EventTopic.ACCESS).stream()
                .filter(e -> e.data() instanceof DbaChangesDetected d && d.grantId().equals(grantId))
                .map(e -> (DbaChangesDetected) e.data()).toList();
    }

    private static boolean canLogIn(PostgresCluster cluster, SeededApplication app, String role) throws SQLException {
        try (Connection admin = cluster.connect(app.database());
             var ps = admin.prepareStatement("SELECT rolcanlogin FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static <E extends PlatformEvent> void publish(TestEventBus events, E event) {
        events.publish(Envelope.of("test", event));
    }
}
