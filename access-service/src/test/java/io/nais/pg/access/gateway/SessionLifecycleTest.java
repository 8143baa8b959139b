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

    private static GatewayHarness h;

    @BeforeAll
    static void start() {
        h = GatewayHarness.shared();
    }

    @Test
    void removedMemberLosesOpenSessionWithinASecondAndCannotLogInAgain() throws Exception {
        String carol = person("carol");
        try (Connection carolSession = h.connect(carol, h.tokens.valid(carol));
             Connection aliceSession = h.connect(ALICE, h.tokens.valid(ALICE))) {
            assertThat(currentUser(carolSession)).isEqualTo(carol);

            CompletableFuture<SQLException> running = inFlight(carolSession);
            Thread.sleep(300); // the query is running on the cluster
            h.directory.removeMember(TEAM, carol);
            long revokedAt = System.nanoTime();
            assertThat(h.gateway.revoke(CLUSTER_ID, carol, "member-removed")).isEqualTo(1);

            SQLException ended = running.get(1, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
            assertThat(ended.getSQLState()).isEqualTo("57P01");
            assertThat(ended.getMessage()).contains("access to \"team-a/demo-app\" has ended");
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
            SQLException ended = inFlight(c).get(8, TimeUnit.SECONDS);
            assertThat(ended.getSQLState()).isEqualTo("57P01");
            assertThat(ended.getMessage()).contains("token expired");
            Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> strict.liveSessions() == 0);
        }
    }

    @Test
    void drainStopsAcceptingThenEndsRemainingSessions() throws Exception {
        GatewayServer draining = h.startGateway(100, 10, Set.of());
        try (Connection c = h.connectVia(draining.port(), ALICE, h.tokens.valid(ALICE))) {
            int port = draining.port();
            assertThat(draining.isAccepting()).isTrue();
            CompletableFuture<Void> drain = CompletableFuture.runAsync(() -> draining.drain(Duration.ofMillis(800)));
            Awaitility.await().atMost(Duration.ofMillis(500)).until(() -> !draining.isAccepting());
            assertThat(currentUser(c)).as("sessions keep working during the grace period").isEqualTo(ALICE);
            drain.join();
            assertThatThrownBy(() -> currentUser(c)).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> h.connectVia(port, ALICE, h.tokens.valid(ALICE))).isInstanceOf(SQLException.class);
        }
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
