package io.nais.pg.access.gateway;

import static io.nais.pg.access.gateway.GatewayHarness.ALICE;
import static io.nais.pg.access.gateway.GatewayHarness.MALLORY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.LoginDenied;
import io.nais.pg.events.UnauthenticatedLoginRefused;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every forged, foreign or stale token, and every person without access, is
 * refused with the right SQLSTATE and a record that names the reason but never
 * carries the token; and the gateway keeps serving a good login afterwards.
 * A refusal before the token is verified is recorded as unauthenticated (address
 * and reason, never the user or database the client typed); after, as a
 * LoginDenied of the token's person. The records are read from the access topic, after
 * the outbox relay. Each attempt connects from a loopback address of its own, so it
 * finds its own record, never another attempt's (nor one of another test class).
 */
@QuarkusTest
@TestProfile(GatewayEnabledProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class LoginAttackMatrixTest {

    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger();
    private static final String REFUSED = "nais.gateway.login.unauthenticated.refused";
    private static final String HELD_BACK = "nais.gateway.login.unauthenticated.held-back";

    private static GatewayHarness h;

    @BeforeAll
    static void start() {
        h = GatewayHarness.shared();
    }

    @AfterEach
    void gatewayStillServesAGoodLogin() throws SQLException {
        try (Connection c = h.connect(ALICE, h.tokens.valid(ALICE));
             ResultSet rs = c.createStatement().executeQuery("select current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(ALICE);
        }
    }

    @Test
    void expiredTokenIsRefusedWithRunLoginHint() {
        SQLException refused = refused(ALICE, h.tokens.expired(ALICE), "28P01", "token-expired");
        assertThat(refused.getMessage()).contains("token expired").contains("nais auth login");
    }

    @Test
    void notYetValidTokenIsRefused() {
        refused(ALICE, h.tokens.notYetValid(ALICE), "28P01", "token-not-yet-valid");
    }

    @Test
    void tokenFromAnotherIssuerIsRefused() {
        refused(ALICE, h.tokens.wrongIssuer(ALICE), "28P01", "token-wrong-issuer");
    }

    @Test
    void tokenForAnotherAudienceIsRefused() {
        refused(ALICE, h.tokens.wrongAudience(ALICE), "28P01", "token-wrong-audience");
    }

    @Test
    void tokenWithBadSignatureIsRefused() {
        refused("eve@example.com", h.tokens.badSignature(ALICE, "eve@example.com"), "28P01", "token-bad-signature");
    }

    @Test
    void tokenSignedByAKeyTheIssuerNeverPublishedIsRefused() {
        // the unknown kid makes the gateway refetch the JWKS (rate-limited), and the key is still not there
        refused(ALICE, h.tokens.unknownKey(ALICE), "28P01", "token-bad-signature");
        refused(ALICE, h.tokens.unknownKey(ALICE), "28P01", "token-bad-signature");
    }

    @Test
    void unsignedAlgNoneTokenIsRefused() {
        refused(ALICE, h.tokens.algNone(ALICE), "28P01", "token-algorithm-refused");
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() {
        refused(ALICE, h.tokens.hs256WithPublicKey(ALICE), "28P01", "token-algorithm-refused");
    }

    @Test
    void garbagePasswordIsRefused() {
        refused(ALICE, "hunter2", "28P01", "token-malformed");
    }

    @Test
    void anotherPersonsTokenIsRefused() {
        SQLException refused = refused(MALLORY, h.tokens.valid(ALICE), "28000", "token-identity-mismatch");
        assertThat(refused.getMessage()).contains("belongs to someone else");
    }

    @Test
    void tokenWhoseEmailTheIssuerHasNotVerifiedIsRefused() {
        SQLException refused = refused(ALICE, h.tokens.emailNotVerified(ALICE), "28000", "email-not-verified");
        assertThat(refused.getMessage()).contains("not verified");
    }

    @Test
    void tokenThatDoesNotSayTheEmailIsVerifiedIsRefusedByDefault() {
        refused(ALICE, h.tokens.withoutEmailVerified(ALICE), "28000", "email-not-verified");
    }

    @Test
    void emailLongerThanARoleNameCanHoldIsRefusedClearly() {
        String longEmail = "a".repeat(64 - "@example.com".length()) + "@example.com"; // 64 bytes
        SQLException refused = refused(longEmail, h.tokens.valid(longEmail), "28000", "email-too-long");
        assertThat(refused.getMessage()).contains("63 bytes");
    }

    @Test
    void tokenSpellingTheEmailInCapitalsIsTheSamePersonUnderTheOneSpelling() throws SQLException {
        String shouted = ALICE.toUpperCase(java.util.Locale.ROOT);
        try (Connection c = h.connect(ALICE, h.tokens.valid(shouted));
             ResultSet rs = c.createStatement().executeQuery("select current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(ALICE);
        }
        refused(shouted, h.tokens.valid(ALICE), "28000", "token-identity-mismatch");
    }

    @Test
    void nonMemberIsRefusedEvenWithARoleOnTheCluster() {
        String address = freshAddress();
        SQLException refused = catchSql(() -> h.connect(MALLORY, h.tokens.valid(MALLORY), from(address)).close());

        assertThat(refused.getSQLState()).isEqualTo("28000");
        assertThat(refused.getMessage()).contains("not a member of team \"team-a\"");
        LoginDenied denial = deniedFrom(address);
        assertThat(denial.reason()).isEqualTo("not-a-member");
        assertThat(denial.email()).as("the verified person").isEqualTo(MALLORY);
        assertThat(denial.clusterId()).isEqualTo(GatewayHarness.CLUSTER_ID);
    }

    @Test
    void unknownClusterIsRefusedWithInvalidCatalogName() throws Exception {
        assertRefusedOn("team-a/no-such-app", "3D000", "cluster-unknown");
        assertRefusedOn("postgres", "3D000", "cluster-id-malformed");
    }

    /**
     * Hole 3 of issue 18: a client that never authenticates named a made-up person on team-b's
     * cluster, and that became a LoginDenied in team-b's hash-chained trail.
     */
    @Test
    void aClientThatNeverAuthenticatesNamesNoPersonAndNoTeamInTheAudit() throws Exception {
        String address = freshAddress();
        String madeUp = "made-up-" + UUID.randomUUID() + "@example.com";
        Map<String, String> claim = Map.of("user", madeUp, "database", "team-b/other-app");
        double refusedBefore = counter(REFUSED);
        double heldBackBefore = counter(HELD_BACK);

        try (RawClient plaintext = new RawClient(address, h.port)) {
            plaintext.send(RawClient.startup(claim));
            assertThat(plaintext.errorSqlState()).isEqualTo("28000");
        }
        try (RawClient tls = new RawClient(address, h.port)) {
            tls.startTls(trusted());
            tls.send(RawClient.startup(claim));
            assertThat(tls.read().type()).as("asks for the password").isEqualTo('R');
            tls.send(RawClient.password("not-a-token"));
            assertThat(tls.errorSqlState()).isEqualTo("28P01");
        }
        try (RawClient again = new RawClient(address, h.port)) {
            again.send(RawClient.startup(claim));
            assertThat(again.errorSqlState()).isEqualTo("28000");
        }

        List<Envelope<?>> records = h.bus.awaitCount(EventTopic.ACCESS, e -> e.data() instanceof UnauthenticatedLoginRefused r
                && r.clientAddress().equals(address), 2, GatewayHarness.WAIT);
        assertThat(records).extracting(e -> ((UnauthenticatedLoginRefused) e.data()).reason())
                .containsExactlyInAnyOrder("tls-required", "token-malformed");
        assertThat(records).allSatisfy(r -> assertThat(EventCodec.encodeToString(r)).doesNotContain(madeUp)
                .doesNotContain("team-b"));
        assertThat(counter(REFUSED) - refusedBefore).as("every refusal counted").isEqualTo(3);
        assertThat(counter(HELD_BACK) - heldBackBefore)
                .as("the repeat within the window is counted, not recorded again").isEqualTo(1);
        assertThat(h.bus.findNow(EventTopic.ACCESS, e -> e.data() instanceof LoginDenied d && (madeUp.equals(d.email())
                || "team-b/other-app".equals(d.clusterId()) || address.equals(d.clientAddress())))).isEmpty();
    }

    @Test
    void plaintextConnectionIsRefusedWithTlsRequired() {
        Properties plain = new Properties();
        plain.setProperty("sslmode", "disable");
        assertThatThrownBy(() -> h.connect(ALICE, h.tokens.valid(ALICE), plain))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("TLS is required");
                });
    }

    @Test
    void psqlShowsTheRefusalToAPerson() {
        GatewayHarness.Psql psql = h.psql(h.libpq(ALICE), h.tokens.expired(ALICE), "select 1");
        assertThat(psql.exit()).isNotZero();
        assertThat(psql.output()).contains("token expired: run `nais auth login`");
    }

    /** A verified person asks for a cluster that does not exist: the denial names them, and no cluster. */
    private void assertRefusedOn(String database, String sqlState, String reason) throws Exception {
        String address = freshAddress();
        Properties properties = from(address);
        properties.setProperty("user", ALICE);
        properties.setProperty("password", h.tokens.valid(ALICE));
        properties.setProperty("sslmode", "require");
        String url = "jdbc:postgresql://127.0.0.1:" + h.port + "/" + java.net.URLEncoder.encode(database, "UTF-8");
        assertThatThrownBy(() -> DriverManager.getConnection(url, properties).close())
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(sqlState);
        LoginDenied denial = deniedFrom(address);
        assertThat(denial.reason()).isEqualTo(reason);
        assertThat(denial.email()).isEqualTo(ALICE);
        assertThat(denial.clusterId()).as("a cluster that does not exist names no team's trail").isNull();
    }

    /** A refusal of the token: recorded as unauthenticated, naming neither {@code user} nor the cluster. */
    private SQLException refused(String user, String token, String sqlState, String reason) {
        String address = freshAddress();
        SQLException refused = catchSql(() -> h.connect(user, token, from(address)).close());
        assertThat(refused.getSQLState()).as(refused.getMessage()).isEqualTo(sqlState);
        assertThat(refused.getMessage()).doesNotContain(token);
        Envelope<UnauthenticatedLoginRefused> record = h.bus.await(UnauthenticatedLoginRefused.class,
                r -> r.clientAddress().equals(address), GatewayHarness.WAIT);
        assertThat(record.data().reason()).isEqualTo(reason);
        assertThat(record.data().sqlState()).isEqualTo(sqlState);
        assertThat(record.data().refusals()).isEqualTo(1);
        assertThat(EventCodec.encodeToString(record)).doesNotContain(token).doesNotContain(user);
        assertThat(h.bus.findNow(EventTopic.ACCESS, e -> e.data() instanceof LoginDenied d
                && address.equals(d.clientAddress()))).isEmpty();
        return refused;
    }

    private static KeyStore trusted() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", h.ca.certificate());
        return trusted;
    }

    /** This attempt's LoginDenied, found by its own source address, read from the access topic after the outbox relay. */
    private static LoginDenied deniedFrom(String address) {
        return h.await(LoginDenied.class, d -> address.equals(d.clientAddress()));
    }

    private static double counter(String name) {
        return GatewayHarness.meters().get(name).functionCounter().count();
    }

    /** pgjdbc connects from {@code address}. */
    private static Properties from(String address) {
        Properties properties = new Properties();
        properties.setProperty("localSocketAddress", address);
        return properties;
    }

    /** A loopback address no other attempt of this class used (all of 127/8 is loopback on Linux). */
    private static String freshAddress() {
        int n = NEXT_ADDRESS.getAndIncrement();
        return "127.77." + (n / 250) + "." + (n % 250 + 1);
    }

    private static SQLException catchSql(SqlAction action) {
        try {
            action.run();
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("login was not refused");
    }

    private interface SqlAction {
        void run() throws SQLException;
    }
}
