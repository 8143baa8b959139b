package io.nais.pg.access.gateway;

import static io.nais.pg.access.gateway.GatewayHarness.ALICE;
import static io.nais.pg.access.gateway.GatewayHarness.MALLORY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.access.gateway.session.SessionEvents.LoginDenial;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every forged, foreign or stale token, and every person without access, is
 * refused with the right SQLSTATE and a LoginDenied that names the reason but
 * never carries the token; and the gateway keeps serving a good login afterwards.
 */
class LoginAttackMatrixTest {

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
        SQLException refused = refused(MALLORY, h.tokens.valid(MALLORY), "28000", "not-a-member");
        assertThat(refused.getMessage()).contains("not a member of team \"team-a\"");
    }

    @Test
    void unknownClusterIsRefusedWithInvalidCatalogName() throws Exception {
        assertRefusedOn("team-a/no-such-app", "3D000");
        assertRefusedOn("postgres", "3D000");
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

    private void assertRefusedOn(String database, String sqlState) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", ALICE);
        properties.setProperty("password", h.tokens.valid(ALICE));
        properties.setProperty("sslmode", "require");
        String url = "jdbc:postgresql://127.0.0.1:" + h.port + "/" + java.net.URLEncoder.encode(database, "UTF-8");
        assertThatThrownBy(() -> DriverManager.getConnection(url, properties).close())
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(sqlState);
    }

    private SQLException refused(String user, String token, String sqlState, String reason) {
        int before = h.events.denied.size();
        SQLException refused = catchSql(() -> h.connect(user, token).close());
        assertThat(refused.getSQLState()).as(refused.getMessage()).isEqualTo(sqlState);
        assertThat(refused.getMessage()).doesNotContain(token);
        Awaitility.await().until(() -> h.events.denied.size() > before);
        LoginDenial denial = h.events.denied.stream().filter(d -> reason.equals(d.reason())).findFirst().orElseThrow(
                () -> new AssertionError("no LoginDenied with reason " + reason + " in " + h.events.denied));
        assertThat(denial.sqlState()).isEqualTo(sqlState);
        assertThat(denial.toString()).doesNotContain(token);
        return refused;
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
