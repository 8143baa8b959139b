package io.nais.pg.access.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nais.pg.access.provisioning.pass.AdminSessions;
import io.nais.pg.access.provisioning.HumanSessions;
import io.nais.pg.access.provisioning.pass.ProvisioningScheduler;
import io.nais.pg.events.AccessRevoked;
import io.nais.pg.events.Envelope;
import io.nais.pg.kit.clusters.AdminSecretResolver;
import io.nais.pg.kit.clusters.ClusterAdminConnections;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.ServiceDatabase;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, least privilege: the internet-facing gateway runs as its own process with no admin
 * credential. Here it runs as the gateway Deployment does ({@link GatewayModeAsDeployed}): production
 * configuration, no admin secret source at all, and a database login that is only a member of
 * {@code nais_access_gateway}. A member still logs in through it with pgjdbc and queries a real
 * cluster; the login cannot change the directory; a revocation published by provisioning, another
 * process, ends the relayed session.
 */
@QuarkusTest
@TestProfile(GatewayModeAsDeployed.class)
@RealInfrastructure(kafka = true, oidc = true)
class GatewayWithoutAdminCredentialsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TEAM = "team-lp";
    private static final String CLUSTER_ID = TEAM + "/lp-app";
    private static final String EMAIL = "lp-member@example.com";

    private static PostgresCluster cluster;

    @InjectInfrastructure
    Infrastructure infra;

    /** The schema's owner: in production provisioning, which writes the directory this test seeds. */
    @InjectInfrastructure
    ServiceDatabase owner;

    @Inject
    GatewayService gateway;

    @ConfigProperty(name = "quarkus.datasource.username")
    String gatewayLogin;

    @ConfigProperty(name = "quarkus.datasource.password")
    String gatewayPassword;

    @BeforeEach
    void aMemberAndTheirClusterInTheDirectory() throws SQLException {
        if (cluster != null) {
            return;
        }
        cluster = infra.newCluster("lp-app", b -> HumanSessions.withCertificateLogins(b, GatewayEnabledProfile.CA));
        SeededApplication app = cluster.seedApplication("lp-app");
        // what provisioning does on the cluster: the person's role, with DML on the application's tables
        cluster.execute(app.database(), "CREATE ROLE \"" + EMAIL + "\" LOGIN; GRANT SELECT ON customers TO \"" + EMAIL + "\"");
        try (Connection c = DriverManager.getConnection(owner.jdbcUrl(), owner.username(), owner.password());
             Statement s = c.createStatement()) {
            s.execute("INSERT INTO cluster (cluster_id, team, app, host, port, database, application_role, schemas,"
                    + " admin_secret_ref, pg_version, status, event_time, event_id) VALUES ('" + CLUSTER_ID + "', '"
                    + TEAM + "', 'lp-app', '" + cluster.host() + "', " + cluster.port() + ", '" + app.database()
                    + "', '" + app.owner() + "', '{public}', 'file:/nonexistent/admin.properties', '15', 'Running',"
                    + " now(), '" + UUID.randomUUID() + "')");
            s.execute("INSERT INTO team_member (team, email, member, event_time, event_id) VALUES ('" + TEAM
                    + "', '" + EMAIL + "', true, now(), '" + UUID.randomUUID() + "')");
        }
    }

    @Test
    void aMemberLogsInAndQueriesThroughAGatewayThatHoldsNoAdminCredential() throws SQLException {
        try (Connection c = connect(EMAIL); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_user, count(*) from customers group by 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(EMAIL);
            assertThat(rs.getLong(2)).isPositive();
        }
        assertThat(created(ClusterAdminConnections.class)).as("admin connections made in the gateway").isEmpty();
        assertThat(created(AdminSecretResolver.class)).as("admin secret resolvers made in the gateway").isEmpty();
        assertThat(created(AdminSessions.class)).as("provisioning's admin sessions made in the gateway").isEmpty();
        assertThat(created(ProvisioningScheduler.class)).as("provisioning's sweeps run in the gateway").isEmpty();
    }

    /** The gateway's own database login: SELECT on what it reads, nothing that changes the directory. */
    @Test
    void theGatewaysDatabaseLoginCannotChangeTheDirectory() throws SQLException {
        try (Connection c = DriverManager.getConnection(owner.jdbcUrl(), gatewayLogin, gatewayPassword)) {
            assertThat(HumanSessions.sqlStateOf(c, "SELECT member FROM team_member")).isNull();
            assertThat(HumanSessions.sqlStateOf(c, "UPDATE team_member SET member = true")).isEqualTo("42501");
            assertThat(HumanSessions.sqlStateOf(c, "INSERT INTO team_member (team, email, member, event_time, event_id)"
                    + " VALUES ('x', 'forged@example.com', true, now(), gen_random_uuid())")).isEqualTo("42501");
            assertThat(HumanSessions.sqlStateOf(c, "DELETE FROM cluster")).isEqualTo("42501");
            assertThat(HumanSessions.sqlStateOf(c, "UPDATE dba_grant SET active = true")).isEqualTo("42501");
            assertThat(HumanSessions.sqlStateOf(c, "SELECT admin_secret_ref FROM cluster")).isEqualTo("42501");
            assertThat(HumanSessions.sqlStateOf(c, "DELETE FROM outbox_event")).isEqualTo("42501");
            assertThat(HumanSessions.sqlStateOf(c, "SELECT payload FROM outbox_event")).isEqualTo("42501");
        }
    }

    /** Provisioning runs elsewhere: its AccessRevoked reaches this gateway over Kafka and ends the session. */
    @Test
    void aRevocationFromProvisioningEndsTheRelayedSession() throws Exception {
        String email = "lp-leaver@example.com";
        try (Connection owned = DriverManager.getConnection(owner.jdbcUrl(), owner.username(), owner.password());
             Statement s = owned.createStatement()) {
            s.execute("INSERT INTO team_member (team, email, member, event_time, event_id) VALUES ('" + TEAM
                    + "', '" + email + "', true, now(), '" + UUID.randomUUID() + "')");
        }
        cluster.execute("postgres", "CREATE ROLE \"" + email + "\" LOGIN");
        try (Connection c = connect(email); TestEventBus events = infra.events()) {
            CompletableFuture<String> running = CompletableFuture.supplyAsync(() -> {
                try (Statement s = c.createStatement()) {
                    s.execute("select pg_sleep(60)");
                    return "not ended";
                } catch (SQLException e) {
                    return e.getSQLState();
                }
            });
            await().atMost(WAIT).until(() -> cluster.isRunning(email, "select pg_sleep"));
            // the gateway's consumer starts at the newest record once it has its partitions: publish
            // again until the session ends (ending sessions is idempotent)
            await().atMost(WAIT).until(() -> {
                events.publish(Envelope.of("access-service",
                        new AccessRevoked(CLUSTER_ID, email, AccessRevoked.MEMBER_REMOVED)));
                try {
                    running.get(1, TimeUnit.SECONDS);
                    return true;
                } catch (java.util.concurrent.TimeoutException e) {
                    return false;
                }
            });
            assertThat(running.get()).isEqualTo("57P01");
        }
    }

    private static List<Object> created(Class<?> type) {
        return Arc.container().getActiveContext(ApplicationScoped.class).getState().getContextualInstances()
                .entrySet().stream().filter(e -> e.getKey().getTypes().stream()
                        .anyMatch(t -> t instanceof Class<?> c && type.isAssignableFrom(c)))
                .map(e -> e.getValue()).toList();
    }

    private Connection connect(String email) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", email);
        properties.setProperty("password", infra.oidc().token().subject(email).email(email).sign());
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", GatewayEnabledProfile.caCertificateFile().toString());
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.port() + "/"
                + URLEncoder.encode(CLUSTER_ID, StandardCharsets.UTF_8), properties);
    }
}
