package io.nais.pg.access.gateway;

import static io.nais.pg.access.gateway.GatewayHarness.ALICE;
import static io.nais.pg.access.gateway.GatewayHarness.CLUSTER_ID;
import static io.nais.pg.access.gateway.GatewayHarness.TEAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.events.LoginDenied;
import io.nais.pg.events.SessionClosed;
import io.nais.pg.events.SessionOpened;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions are recorded (SessionOpened/SessionClosed through the outbox, read back from Kafka), end when access
 * ends (TeamMemberRemoved, GrantExpired), respect the configured limits, and drain on shutdown.
 */
@QuarkusTest
@TestProfile(GatewayEnabledProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class SessionLifecycleTest {

    /** application.properties: {@code nais.access.gateway.limits.max-sessions-per-person}. */
    private static final int PRODUCTION_MAX_SESSIONS_PER_PERSON = 20;
    /** Generous: the in-flight query would take 20 s; ending it takes milliseconds (the bench measures how many). */
    private static final Duration QUERY_ENDED = Duration.ofSeconds(15);

    private static GatewayHarness h;

    @BeforeAll
    static void start() {
        h = GatewayHarness.shared();
    }

    /**
     * The open session ends with 57P01 while its query still runs (the query would take 20 s), when the
     * TeamMemberRemoved reaches the service. How fast revocation reaches a session is a latency claim, measured
     * by the access-provisioning bench (ProvisioningBench, revocation latency), not asserted here.
     */
    @Test
    void removedMemberLosesOpenSessionAndCannotLogInAgain() throws Exception {
        String carol = person("carol");
        try (Connection carolSession = h.connect(carol, h.tokens.valid(carol));
             Connection aliceSession = h.connect(ALICE, h.tokens.valid(ALICE))) {
            assertThat(currentUser(carolSession)).isEqualTo(carol);

            CompletableFuture<SQLException> running = inFlight(carolSession);
            Awaitility.await().atMost(QUERY_ENDED).until(() -> h.cluster.isRunning(carol, "select pg_sleep"));
            h.publish(new TeamMemberRemoved(TEAM, carol));

            SQLException ended = running.get(QUERY_ENDED.toSeconds(), TimeUnit.SECONDS);
            assertThat(ended.getSQLState()).isEqualTo("57P01");
            assertThat(currentUser(aliceSession)).as("others keep their sessions").isEqualTo(ALICE);
        }
        // the gateway ends the session on AccessRevoked; provisioning's pg_terminate_backend may get there first
        SessionClosed closed = h.await(SessionClosed.class, c -> c.email().equals(carol));
        assertThat(closed.reason()).isIn("revoked:member-removed", "connection-closed");
        assertThatThrownBy(() -> h.connect(carol, h.tokens.valid(carol)))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28000");
        assertThat(h.await(LoginDenied.class, d -> carol.equals(d.email())).reason()).isEqualTo("not-a-member");
    }

    @Test
    void sessionOpenedAndClosedCarryWhoWhereAndBytes() throws Exception {
        String dave = person("dave");
        try (Connection c = h.connect(dave, h.tokens.valid(dave))) {
            assertThat(currentUser(c)).isEqualTo(dave);
        }
        SessionOpened opened = h.await(SessionOpened.class, s -> s.email().equals(dave));
        SessionClosed closed = h.await(SessionClosed.class, s -> s.email().equals(dave));
        assertThat(closed.sessionId()).isEqualTo(opened.sessionId());
        assertThat(closed.clusterId()).isEqualTo(CLUSTER_ID);
        assertThat(closed.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(closed.bytesFromClient()).isPositive();
        assertThat(closed.bytesToClient()).isPositive();
        assertThat(closed.closedAt()).isAfterOrEqualTo(closed.openedAt());
        assertThat(opened.grantId()).as("a member enters as a member, not on a grant").isNull();
    }

    /**
     * A DBA who is no member of the team: refused, then let in once a DbaAccessGranted has reached the service
     * (its projection, and provisioning made the role), the session recorded with the grant; when the
     * GrantExpired arrives the open session ends and the next login is refused with 28000.
     */
    @Test
    void dbaWithAnActiveGrantLogsInThroughTheGatewayAndIsRefusedOnceTheGrantHasExpired() throws Exception {
        String dba = "dba-" + System.nanoTime() + "@example.com";
        assertThatThrownBy(() -> h.connect(dba, h.tokens.valid(dba)))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28000");

        UUID grantId = UUID.randomUUID();
        Instant now = Instant.now();
        h.publish(new DbaAccessGranted(grantId, CLUSTER_ID, TEAM, dba, "lead@example.com", now, now.plus(Duration.ofHours(1))));
        try (Connection c = Awaitility.await().atMost(GatewayHarness.WAIT).ignoreExceptions()
                .until(() -> h.connect(dba, h.tokens.valid(dba)), java.util.Objects::nonNull)) {
            assertThat(currentUser(c)).isEqualTo(dba);
            SessionOpened opened = h.await(SessionOpened.class, s -> s.email().equals(dba));
            assertThat(opened.grantId()).isEqualTo(grantId);

            CompletableFuture<SQLException> running = inFlight(c);
            Awaitility.await().atMost(QUERY_ENDED).until(() -> h.cluster.isRunning(dba, "select pg_sleep"));
            h.publish(new GrantExpired(grantId, CLUSTER_ID, TEAM, dba, Instant.now()));
            assertThat(running.get(QUERY_ENDED.toSeconds(), TimeUnit.SECONDS).getSQLState()).isEqualTo("57P01");
        }
        // from an address of its own: the refusal before the grant was recorded for this person too
        String afterExpiry = "127.66.0.1";
        Properties from = new Properties();
        from.setProperty("localSocketAddress", afterExpiry);
        assertThatThrownBy(() -> h.connect(dba, h.tokens.valid(dba), from))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28000");
        LoginDenied denied = h.await(LoginDenied.class, d -> dba.equals(d.email()) && afterExpiry.equals(d.clientAddress()));
        assertThat(denied.reason()).isEqualTo("not-a-member");
        assertThat(denied.clusterId()).isEqualTo(CLUSTER_ID);
    }

    /**
     * The service's own gateway, limited by application.properties
     * ({@code nais.access.gateway.limits.max-sessions-per-person=20}) through {@link GatewayConfig}: the 21st
     * session of one person is refused with 53300, while somebody else still gets in.
     */
    @Test
    void theConfiguredPersonalSessionLimitRefusesOneMoreWithTooManyConnections() throws Exception {
        String erin = person("erin");
        String token = h.tokens.valid(erin);
        List<Connection> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < PRODUCTION_MAX_SESSIONS_PER_PERSON; i++) {
                sessions.add(h.connect(erin, token));
            }
            assertThatThrownBy(() -> h.connect(erin, token))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("53300");
            try (Connection other = h.connect(ALICE, h.tokens.valid(ALICE))) {
                assertThat(currentUser(other)).isEqualTo(ALICE);
            }
        } finally {
            for (Connection session : sessions) {
                session.close();
            }
        }
    }

    @Test
    void gatewayConnectionLimitRefusesOneMore() throws Exception {
        try (GatewayServer limited = h.startGateway(Map.of("nais.access.gateway.limits.max-connections", "1"));
             Connection only = h.connectVia(limited.port(), ALICE, h.tokens.valid(ALICE))) {
            assertThatThrownBy(() -> h.connectVia(limited.port(), ALICE, h.tokens.valid(ALICE)))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("53300");
            assertThat(currentUser(only)).isEqualTo(ALICE);
        }
    }

    @Test
    void sessionEndsWhenTokenExpiresOnClusterWithThatPolicy() throws Exception {
        String grace = person("grace");
        try (GatewayServer strict = h.startGateway(Map.of("nais.access.gateway.end-session-at-token-expiry", CLUSTER_ID));
             Connection c = h.connectVia(strict.port(), grace, h.tokens.validFor(grace, Duration.ofSeconds(2)))) {
            assertThat(currentUser(c)).isEqualTo(grace);
            SQLException ended = inFlight(c).get(QUERY_ENDED.toSeconds(), TimeUnit.SECONDS);
            assertThat(ended.getSQLState()).isEqualTo("57P01");
            Awaitility.await().atMost(QUERY_ENDED).until(() -> strict.liveSessions() == 0);
        }
        assertThat(h.await(SessionClosed.class, c -> c.email().equals(grace)).reason()).isEqualTo("token-expired");
    }

    /** A grace far longer than the test: the drain ends because the last session did, not because time ran out. */
    @Test
    void drainStopsAcceptingAndEndsOnceTheLastSessionHasFinished() throws Exception {
        GatewayServer draining = h.startGateway(Map.of());
        int port = draining.port();
        CompletableFuture<Void> drain;
        try (Connection c = h.connectVia(port, ALICE, h.tokens.valid(ALICE))) {
            assertThat(draining.isAccepting()).isTrue();
            drain = CompletableFuture.runAsync(() -> draining.drain(Duration.ofHours(1)));
            Awaitility.await().atMost(QUERY_ENDED).until(() -> !draining.isAccepting());
            assertThat(currentUser(c)).as("sessions keep working during the grace period").isEqualTo(ALICE);
            assertThat(drain).as("the drain waits for the open session").isNotDone();
        }
        drain.get(QUERY_ENDED.toSeconds(), TimeUnit.SECONDS);
        assertThatThrownBy(() -> h.connectVia(port, ALICE, h.tokens.valid(ALICE)))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08001");
    }

    /** Once the grace is over, a session still open is ended with 57P01 (its query would run 20 s more). */
    @Test
    void drainEndsTheSessionsStillOpenWhenTheGraceIsOver() throws Exception {
        String frank = person("frank");
        GatewayServer draining = h.startGateway(Map.of());
        try (Connection c = h.connectVia(draining.port(), frank, h.tokens.valid(frank))) {
            CompletableFuture<SQLException> running = inFlight(c);
            Awaitility.await().atMost(QUERY_ENDED).until(() -> h.cluster.isRunning(frank, "select pg_sleep"));
            draining.drain(Duration.ofMillis(100));
            SQLException ended = running.get(QUERY_ENDED.toSeconds(), TimeUnit.SECONDS);
            assertThat(ended.getSQLState()).isEqualTo("57P01");
            assertThat(draining.liveSessions()).isZero();
        }
        assertThat(h.await(SessionClosed.class, c -> c.email().equals(frank)).reason()).isEqualTo("gateway-shutdown");
    }

    /** A long query, as a person would have running; completes with the error that ended it. */
    private static CompletableFuture<SQLException> inFlight(Connection c) {
        return CompletableFuture.supplyAsync(() -> {
            try (Statement s = c.createStatement()) {
                s.execute("select pg_sleep(20)");
                throw new AssertionError("query was not ended");
            } catch (SQLException e) {
                return e;
            }
        });
    }

    /** A new member of the team, as production learns of one (TeamMemberAdded); provisioning made the role. */
    private static String person(String name) {
        String email = name + "-" + System.nanoTime() + "@example.com";
        h.member(email);
        return email;
    }

    private static String currentUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
