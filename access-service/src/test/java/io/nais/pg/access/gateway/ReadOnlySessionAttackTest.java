package io.nais.pg.access.gateway;

import static io.nais.pg.access.gateway.GatewayHarness.ALICE;
import static io.nais.pg.access.gateway.GatewayHarness.CLUSTER_ID;
import static io.nais.pg.access.gateway.GatewayHarness.TEAM;
import static io.nais.pg.access.gateway.GatewayHarness.WAIT;
import static io.nais.pg.access.gateway.GatewayHarness.quote;
import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.events.SessionOpened;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A read-only session ({@code user=<email>/ro}, what {@code nais postgres psql --read-only} sends) runs as the
 * person's read-only role, in {@code nais_human_read} (SELECT only), and nothing said inside the session gives
 * write back: each attempt is a real psql session through the service's gateway, refused with its SQLSTATE.
 */
@QuarkusTest
@TestProfile(GatewayEnabledProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class ReadOnlySessionAttackTest {

    private static final String ALICE_RO = ALICE + "/ro";
    /** The first layer: the role starts its transactions read-only (a setting; the person can turn it off). */
    private static final String READ_ONLY_TRANSACTION = "25006";
    /** The control: the role's privileges. */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private static GatewayHarness h;

    @BeforeAll
    static void start() {
        h = GatewayHarness.shared();
        // a function of the application's, SECURITY INVOKER (the default): it writes with the caller's rights
        h.cluster.execute(h.app.database(), "CREATE OR REPLACE FUNCTION public.add_customer(n text) RETURNS void"
                + " LANGUAGE sql AS $$ INSERT INTO public.customers (name, email) VALUES (n, n) $$;"
                + " ALTER FUNCTION public.add_customer(text) OWNER TO " + quote(h.app.owner()));
    }

    @Test
    void readOnlySessionReadsEverythingAsTheReadOnlyRoleAndAPlainWriteIsRefused() {
        GatewayHarness.Psql read = psql(ALICE_RO, "select current_user || ' ' || (select count(*) from customers)"
                + " || ' ' || (select count(*) from orders)");
        assertThat(read.output()).isEqualTo(ALICE_RO + " 3 4");

        assertThat(psql(ALICE_RO, "insert into customers (name, email) values ('x', 'x@example.com')").output())
                .contains("ERROR:  " + READ_ONLY_TRANSACTION);
    }

    /** Every way a client could try to get write back inside a read-only session, and the SQLSTATE it meets. */
    static Stream<Arguments> escapes() {
        String off = "set default_transaction_read_only = off";
        // a fresh email each time it runs, so every case could write on its own if it got write
        String insert = "insert into customers (name, email) values ('x', 'x-' || gen_random_uuid() || '@example.com')";
        return Stream.of(
                Arguments.of("default_transaction_read_only off", List.of(off, insert), INSUFFICIENT_PRIVILEGE),
                Arguments.of("BEGIN READ WRITE", List.of("begin read write", "update customers set name = name"),
                        INSUFFICIENT_PRIVILEGE),
                Arguments.of("transaction_read_only off", List.of("begin", "set transaction read write",
                        "delete from orders"), INSUFFICIENT_PRIVILEGE),
                Arguments.of("RESET ROLE", List.of("reset role", off, insert), INSUFFICIENT_PRIVILEGE),
                Arguments.of("RESET SESSION AUTHORIZATION", List.of("reset session authorization", off, insert),
                        INSUFFICIENT_PRIVILEGE),
                Arguments.of("SET ROLE the write group", List.of("set role nais_human_write"), INSUFFICIENT_PRIVILEGE),
                Arguments.of("SET ROLE nais_human", List.of("set role nais_human", off, insert), INSUFFICIENT_PRIVILEGE),
                Arguments.of("SET ROLE own write role", List.of("set role " + quote(ALICE)), INSUFFICIENT_PRIVILEGE),
                Arguments.of("SET ROLE application owner", List.of("set role " + quote(h.app.owner())),
                        INSUFFICIENT_PRIVILEGE),
                Arguments.of("SET SESSION AUTHORIZATION own write role",
                        List.of("set session authorization " + quote(ALICE)), INSUFFICIENT_PRIVILEGE),
                Arguments.of("TRUNCATE", List.of(off, "truncate orders"), INSUFFICIENT_PRIVILEGE),
                Arguments.of("nextval", List.of(off, "select nextval('public.customers_id_seq')"),
                        INSUFFICIENT_PRIVILEGE),
                Arguments.of("CREATE TABLE in public", List.of(off, "create table public.planted (x int)"),
                        INSUFFICIENT_PRIVILEGE),
                Arguments.of("CREATE SCHEMA", List.of(off, "create schema planted"), INSUFFICIENT_PRIVILEGE),
                Arguments.of("COPY FROM", List.of(off, "copy customers (name, email) from stdin"),
                        INSUFFICIENT_PRIVILEGE),
                Arguments.of("application function that writes (SECURITY INVOKER)",
                        List.of(off, "select public.add_customer('x-" + System.nanoTime() + "@example.com')"),
                        INSUFFICIENT_PRIVILEGE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapes")
    void nothingSaidInsideAReadOnlySessionGivesWriteBack(String attempt, List<String> statements, String sqlState) {
        long before = customers();

        GatewayHarness.Psql psql = psql(ALICE_RO, statements);

        assertThat(psql.exit()).as(psql.output()).isNotZero();
        assertThat(psql.output()).as(attempt).contains("ERROR:  " + sqlState);
        assertThat(customers()).as("nothing was written").isEqualTo(before);
    }

    @Test
    void aPersonWhoCanWriteStillWritesWithoutAskingForReadOnly() {
        GatewayHarness.Psql write = psql(ALICE, List.of("begin",
                "insert into customers (name, email) values ('x', 'x-" + System.nanoTime() + "@example.com')",
                "select current_user", "rollback"));
        assertThat(write.exit()).as(write.output()).isZero();
        assertThat(write.output()).isEqualTo(ALICE);
    }

    @Test
    void tablesTheApplicationCreatesLaterAreReadableAtOnce() {
        String table = "later_" + System.nanoTime();
        h.cluster.execute(h.app.database(), "SET ROLE " + quote(h.app.owner()) + "; CREATE TABLE public." + table
                + " (x int); INSERT INTO public." + table + " VALUES (7)");

        assertThat(psql(ALICE_RO, "select x from public." + table).output()).isEqualTo("7");
        assertThat(psql(ALICE_RO, List.of("set default_transaction_read_only = off",
                "insert into public." + table + " values (8)")).output()).contains("ERROR:  " + INSUFFICIENT_PRIVILEGE);
    }

    @Test
    void sessionOpenedRecordsTheLevel() throws Exception {
        String erin = person("erin");
        closeAll(bothSessions(erin));
        assertThat(h.await(SessionOpened.class, s -> s.email().equals(erin) && s.level() == SessionOpened.Level.READ))
                .isNotNull();
        assertThat(h.await(SessionOpened.class, s -> s.email().equals(erin) && s.level() == SessionOpened.Level.WRITE))
                .isNotNull();
    }

    /**
     * A team whose default is read: its members' plain logins are read-only sessions (the gateway connects as
     * their read-only role), whatever they do inside.
     */
    @Test
    void aTeamThatReadsByDefaultGetsReadOnlySessionsWithoutAsking() {
        try (GatewayServer readingTeam = h.startGateway(Map.of("nais.access.gateway.read-only-teams", TEAM))) {
            String connection = h.libpq(readingTeam.port(), ALICE);
            GatewayHarness.Psql psql = h.psql(connection, h.tokens.valid(ALICE), List.of("\\set VERBOSITY sqlstate",
                    "select current_user", "set default_transaction_read_only = off",
                    "insert into customers (name, email) values ('x', 'x@example.com')"));
            assertThat(psql.output()).startsWith(ALICE_RO).contains("ERROR:  " + INSUFFICIENT_PRIVILEGE);
        }
    }

    /** Removing the member drops both roles and ends the sessions of both. */
    @Test
    void removedMemberLosesBothRolesAndBothSessions() throws Exception {
        String frank = person("frank");
        List<Connection> sessions = bothSessions(frank);
        try {
            h.publish(new TeamMemberRemoved(TEAM, frank));

            Awaitility.await().atMost(WAIT).until(() -> sessions.stream().noneMatch(ReadOnlySessionAttackTest::isValid));
        } finally {
            closeAll(sessions);
        }
        Awaitility.await().atMost(WAIT).until(() -> roles(frank).isEmpty());
    }

    /** The person's read-only session and their own, open at once, each checked to run as its role. */
    private static List<Connection> bothSessions(String person) throws SQLException {
        Connection readOnly = h.connect(person + "/ro", h.tokens.valid(person));
        Connection own = h.connect(person, h.tokens.valid(person));
        assertThat(currentUser(readOnly)).isEqualTo(person + "/ro");
        assertThat(currentUser(own)).isEqualTo(person);
        return List.of(readOnly, own);
    }

    private static boolean isValid(Connection connection) {
        try {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeAll(List<Connection> connections) throws SQLException {
        for (Connection connection : connections) {
            connection.close();
        }
    }

    private static String person(String name) {
        String email = name + "-" + System.nanoTime() + "@example.com";
        h.member(email);
        return email;
    }

    private static GatewayHarness.Psql psql(String user, String sql) {
        return psql(user, List.of(sql));
    }

    /** One psql session through the gateway, errors shown as their SQLSTATE only; the token is the person's. */
    private static GatewayHarness.Psql psql(String user, List<String> statements) {
        List<String> all = new ArrayList<>(List.of("\\set VERBOSITY sqlstate"));
        all.addAll(statements);
        String person = user.endsWith("/ro") ? user.substring(0, user.length() - 3) : user;
        return h.psql(h.libpq(user), h.tokens.valid(person), all);
    }

    private static long customers() {
        try (Connection admin = h.cluster.connect(h.app.database());
             Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from public.customers")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> roles(String person) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection admin = h.cluster.connect("postgres");
             Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("select rolname from pg_roles where rolname in ("
                     + "'" + person + "', '" + person + "/ro')")) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        return found;
    }

    private static String currentUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
