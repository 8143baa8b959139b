package io.nais.pg.access.provisioning.it;

import static io.nais.pg.access.provisioning.HumanSessions.sqlStateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nais.pg.access.directory.AccessDirectory;
import io.nais.pg.events.ClusterAccessConformanceChanged;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
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

    private static final Duration WAIT = TeamClusterFixture.WAIT;
    private static final String TEAM = "team-paths";
    private static final String PASSWORD = "around-the-gateway-1";

    private static TeamClusterFixture team;

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    AccessDirectory directory;

    @BeforeEach
    void gatewayConfiguredCluster() {
        if (team == null) {
            team = TeamClusterFixture.start(infra, directory, TEAM, "app-p", (b, ca) -> b.tls(ca)
                    .hba("hostssl all postgres 127.0.0.1/32 scram-sha-256")
                    .hba("hostssl all +nais_human 127.0.0.1/32 cert"));
        }
    }

    @Test
    void personWhoSetsTheirOwnPasswordIsRefusedDirectlyAndLosesThePasswordAtTheNextPass() throws Exception {
        String email = "sneaky@example.com";
        publish(new TeamMemberAdded(TEAM, email));
        try (Connection viaCertificate = team.awaitLogin(email)) {
            assertThat(sqlStateOf(viaCertificate, "ALTER ROLE CURRENT_USER PASSWORD '" + PASSWORD + "'")).isNull();
        }
        assertThat(hasPassword(email)).isTrue();

        assertThatThrownBy(() -> team.cluster.connect(team.app.database(), email, PASSWORD).close())
                .as("a direct password login, around the gateway")
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));

        publish(new TeamMemberAdded(TEAM, "somebody-else@example.com")); // any pass on the cluster
        await().atMost(WAIT).until(() -> !hasPassword(email));
        team.events.await(ClusterAccessConformanceChanged.class,
                e -> e.clusterId().equals(TEAM + "/app-p") && e.conforming(), WAIT);
    }

    @Test
    void clusterWithAPasswordLineForPeopleBeforeTheRejectIsReported() {
        PostgresCluster open = infra.newCluster("team-paths-open", b -> b.tls(team.ca)
                .hba("hostssl all +nais_human 127.0.0.1/32 cert")
                .hba("host all all 127.0.0.1/32 scram-sha-256"));
        SeededApplication openApp = open.seedApplication("app-open");
        publish(team.discovered(open, openApp, "app-open"));

        ClusterAccessConformanceChanged reported = team.events.await(ClusterAccessConformanceChanged.class,
                e -> e.clusterId().equals(TEAM + "/app-open"), WAIT).data();
        assertThat(reported.conforming()).isFalse();
        assertThat(reported.findings()).singleElement().asString()
                .startsWith("line 3: host all all 127.0.0.1/255.255.255.255 scram-sha-256");
    }

    private static boolean hasPassword(String role) throws SQLException {
        return team.aboutRole("SELECT rolpassword IS NOT NULL FROM pg_catalog.pg_authid WHERE rolname = ?", role);
    }

    private static <E extends PlatformEvent> void publish(E event) {
        team.publish(event);
    }
}
