package io.nais.pg.access.gateway;

import static io.nais.pg.access.gateway.GatewayHarness.ALICE;
import static io.nais.pg.access.gateway.GatewayHarness.CLUSTER_ID;
import static io.nais.pg.access.gateway.GatewayHarness.TEAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sessions are recorded, end when access ends, respect limits, and drain on shutdown. */
class SessionLifecycleTest {

    /** Generous: the in-flight query would take 20 s; ending it takes milliseconds (the bench measures how many). */
    private static final Duration QUERY_ENDED = Duration.ofSeconds(15);

    private static GatewayHarness h;

    @BeforeAll
    static void start() {
        h = GatewayHarness.shared();
    }

    /**
     * The open session ends with 57P01 while its query still runs (the query would take
     * 20 s). How fast revocation reaches a session is a latency claim, measured by the
     * access-provisioning bench (ProvisioningBench, revocation latency), not asserted here.
     */
    @Test
    void removedMemberLosesOpenSessionAndCannotLogInAgain() throws Exception {
        String carol = person("carol");
        try (Connection carolSession = h.connect(carol, h.tokens.valid(carol));
             Connection aliceSession = h.connect(ALICE, h.tokens.valid(ALICE))) {
            assertThat(currentUser(carolSession)).isEqualTo(carol);

            CompletableFuture<SQLException> running = inFlight(carolSession);
            Awaitility.await().atMost(QUERY_ENDED).until(() -> h.cluster.isRunning(carol, "select pg_sleep"));
            h.directory.removeMember(TEAM, carol);
            assertThat(h.gateway.revoke(CLUSTER_ID, carol, "member-removed")).isEqualTo(1);

            SQLException ended = running.get(QUERY_ENDED.toSeconds(), TimeUnit.SECONDS);
            assertThat(ended.getSQLState()).isEqualTo("57P01");
            assertThat(currentUser(aliceSession)).as("others keep their sessions").isEqualTo(ALICE);
        }
        // SessionClosed is recorded once the gateway side has closed, possibly just after the client saw the error
        Awaitility.await().until(() -> h.events.closed.stream().anyMatch(c -> c.session().email().equals(carol)));
        RecordedEvents.Closed closed = h.events.closed.stream().filter(c -> c.session().email().equals(carol))
                .findFirst().orElseThrow();
        assertThat(closed.reason()).isEqualTo("revoked:member-removed");
        assertThatThrownBy(() -> h.connect(carol, h.tokens.valid(carol)))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28000");
    }

    @Test
    void sessionOpenedAndClosedCarryWhoWhereAndBytes() throws Exception {
        String dave = person("dave");
        try (Connection c = h.connect(dave, h.tokens.valid(dave))) {
            assertThat(currentUser(c)).isEqualTo(dave);
            Awaitility.await().until(() -> h.events.opened.stream().anyMatch(s -> s.email().equals(dave)));
        }
        Awaitility.await().until(() -> h.events.closed.stream().anyMatch(c -> c.session().email().equals(dave)));
        RecordedEvents.Closed closed = h.events.closed.stream().filter(c -> c.session().email().equals(dave))
                .findFirst().orElseThrow();
        assertThat(closed.session().clusterId()).isEqualTo(CLUSTER_ID);
        assertThat(closed.session().clientAddress()).isEqualTo("127.0.0.1");
        assertThat(closed.bytesFromClient()).isPositive();
        assertThat(closed.bytesToClient()).isPositive();
        assertThat(closed.closedAt()).isAfterOrEqualTo(closed.session().openedAt());
    }

    @Test
    void dbaWithActiveGrantGetsInWithoutTeamMembership() throws Exception {
        String dba = "dba-" + System.nanoTime() + "@example.com";
        h.createHuman(dba);
        assertThatThrownBy(() -> h.connect(dba, h.tokens.valid(dba)))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28000");
        String grantId = java.util.UUID.randomUUID().toString();
        h.directory.grant(CLUSTER_ID, dba, new io.nais.pg.access.directory.AccessDirectory.ActiveGrant(grantId,
                java.time.Instant.now().plusSeconds(600)));
        try (Connection c = h.connect(dba, h.tokens.valid(dba))) {
            assertThat(currentUser(c)).isEqualTo(dba);
        }
        assertThat(h.events.opened.stream().filter(s -> s.email().equals(dba)).findFirst().orElseThrow().grantId())
                .isEqualTo(grantId);
    }

    @Test
    void personalSessionLimitRefusesOneMoreWithTooManyConnections() throws Exception {
        String erin = person("erin");
        try (GatewayServer limited = h.startGateway(100, 2, Set.of());
             Connection first = h.connectVia(limited.port(), erin, h.tokens.valid(erin));
             Connection second = h.connectVia(limited.port(), erin, h.tokens.valid(erin))) {
            assertThatThrownBy(() -> h.connectVia(limited.port(), erin, h.tokens.valid(erin)))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("53300");
            try (Connection other = h.connectVia(limited.port(), ALICE, h.tokens.valid(ALICE))) {
                assertThat(currentUser(other)).isEqualTo(ALICE);
            }
        }
    }

    @Test
    void gatewayConnectionLimitRefusesOneMore() throws Exception {
        try (GatewayServer limited = h.startGateway(1, 10, Set.of());
             Connection only = h.connectVia(limited.port(), ALICE, h.tokens.valid(ALICE))) {
            assertThatThrownBy(() -> h.connectVia(limited.port(), ALICE, h.tokens.valid(ALICE)))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("53300");
            assertThat(currentUser(only)).isEqualTo(ALICE);
        }
    }

    @Test
    void sessionEndsWhenTokenExpiresOnClusterWithThatPolicy() throws Exception {
        try (GatewayServer strict = h.startGateway(100, 10, Set.of(CLUSTER_ID));
             Connection c = h.connectVia(strict.port(), ALICE, h.tokens.validFor(ALICE, Duration.ofSeconds(2)))) {
            assertThat(currentUser(c)).isEqualTo(ALICE);
            SQLException ended = inFlight(c).get(QUERY_ENDED.toSeconds(), TimeUnit.SECONDS);
            assertThat(ended.getSQLState()).isEqualTo("57P01");
            Awaitility.await().atMost(QUERY_ENDED).until(() -> strict.liveSessions() == 0);
        }
        Awaitility.await().atMost(QUERY_ENDED).until(() -> h.events.closed.stream()
                .anyMatch(c -> c.session().email().equals(ALICE) && c.reason().equals("token-expired")));
    }

    /** A grace far longer than the test: the drain ends because the last session did, not because time ran out. */
    @Test
    void drainStopsAcceptingAndEndsOnceTheLastSessionHasFinished() throws Exception {
        GatewayServer draining = h.startGateway(100, 10, Set.of());
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
        GatewayServer draining = h.startGateway(100, 10, Set.of());
        try (Connection c = h.connectVia(draining.port(), frank, h.tokens.valid(frank))) {
            CompletableFuture<SQLException> running = inFlight(c);
            Awaitility.await().atMost(QUERY_ENDED).until(() -> h.cluster.isRunning(frank, "select pg_sleep"));
            draining.drain(Duration.ofMillis(100));
            SQLException ended = running.get(QUERY_ENDED.toSeconds(), TimeUnit.SECONDS);
            assertThat(ended.getSQLState()).isEqualTo("57P01");
            assertThat(draining.liveSessions()).isZero();
        }
        Awaitility.await().atMost(QUERY_ENDED).until(() -> h.events.closed.stream()
                .anyMatch(c -> c.session().email().equals(frank) && c.reason().equals("gateway-shutdown")));
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

    private static String person(String name) {
        String email = name + "-" + System.nanoTime() + "@example.com";
        h.createHuman(email);
        h.directory.addMember(TEAM, email);
        return email;
    }

    private static String currentUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
