package io.nais.pg.access.provisioning.it;

import static io.nais.pg.access.provisioning.HumanSessions.sqlStateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nais.pg.access.directory.AccessDirectory;
import io.nais.pg.access.provisioning.HumanSessions;
import io.nais.pg.events.ClusterAccessConformanceChanged;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.Envelope;
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
 * Issue 18, hole 2: a person sets a password on their own role and tries to log in to the cluster directly,
 * around the gateway (pgjdbc, as an attacker would). The cluster is configured as the platform configures
 * clusters: people only on the gateway's certificate line, then a reject line for {@code +nais_human}.
 */
@QuarkusTest
@TestProfile(ProvisioningMode.class)
@RealInfrastructure(kafka = true, postgres = true)
class HumanLoginAroundGatewayTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TEAM = "team-paths";
    private static final String PASSWORD = "around-the-gateway-1";

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
    void gatewayConfiguredCluster() {
        if (cluster != null) {
            return;
        }
        ca = CertificateAuthority.create("paths-ca", Duration.ofHours(1));
        events = infra.events();
        cluster = infra.newCluster("team-paths-app", b -> b.tls(ca)
                .hba("hostssl all postgres 127.0.0.1/32 scram-sha-256")
                .hba("hostssl all +nais_human 127.0.0.1/32 cert"));
        app = cluster.seedApplication("app-p");
        humans = new HumanSessions(cluster, ca);
        publish(discovered(cluster, app, "app-p"));
        await().atMost(WAIT).until(() -> directory.cluster(TEAM + "/app-p").isPresent());
    }

    @Test
    void personWhoSetsTheirOwnPasswordIsRefusedDirectlyAndLosesThePasswordAtTheNextPass() throws Exception {
        String email = "sneaky@example.com";
        publish(new TeamMemberAdded(TEAM, email));
        try (Connection viaCertificate = await().atMost(WAIT).ignoreExceptions()
                .until(() -> humans.connect(app.database(), email), c -> c != null)) {
            assertThat(sqlStateOf(viaCertificate, "ALTER ROLE CURRENT_USER PASSWORD '" + PASSWORD + "'")).isNull();
        }
        assertThat(hasPassword(email)).isTrue();

        assertThatThrownBy(() -> cluster.connect(app.database(), email, PASSWORD).close())
                .as("a direct password login, around the gateway")
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));

        publish(new TeamMemberAdded(TEAM, "somebody-else@example.com")); // any pass on the cluster
        await().atMost(WAIT).until(() -> !hasPassword(email));
        events.await(ClusterAccessConformanceChanged.class,
                e -> e.clusterId().equals(TEAM + "/app-p") && e.conforming(), WAIT);
    }

    @Test
    void clusterWithAPasswordLineForPeopleBeforeTheRejectIsReported() {
        PostgresCluster open = infra.newCluster("team-paths-open", b -> b.tls(ca)
                .hba("hostssl all +nais_human 127.0.0.1/32 cert")
                .hba("host all all 127.0.0.1/32 scram-sha-256"));
        SeededApplication openApp = open.seedApplication("app-open");
        publish(discovered(open, openApp, "app-open"));

        ClusterAccessConformanceChanged reported = events.await(ClusterAccessConformanceChanged.class,
                e -> e.clusterId().equals(TEAM + "/app-open"), WAIT).data();
        assertThat(reported.conforming()).isFalse();
        assertThat(reported.findings()).singleElement().asString()
                .startsWith("line 3: host all all 127.0.0.1/255.255.255.255 scram-sha-256");
    }

    private static boolean hasPassword(String role) throws SQLException {
        try (Connection admin = cluster.connect(app.database());
             var ps = admin.prepareStatement("SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static ClusterDiscovered discovered(PostgresCluster pg, SeededApplication seeded, String name) {
        return new ClusterDiscovered(TEAM + "/" + name, TEAM, name, pg.host(), pg.port(), seeded.database(),
                seeded.owner(), List.of("public"), "file:" + pg.adminSecretFile(), "15", "Running");
    }

    private static <E extends PlatformEvent> void publish(E event) {
        events.publish(Envelope.of("test", event));
    }
}
