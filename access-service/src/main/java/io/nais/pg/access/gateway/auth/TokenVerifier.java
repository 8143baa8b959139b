package io.nais.pg.access.gateway.auth;

import io.nais.pg.access.gateway.protocol.SqlState;
import io.nais.pg.events.Emails;
import io.nais.pg.kit.identity.EmailVerification;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jose4j.http.Get;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.lang.InvalidAlgorithmException;
import org.jose4j.lang.JsonHelp;
import org.jose4j.lang.UnresolvableKeyException;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

/**
 * Verifies the login token a client sends as its cleartext password.
 *
 * <p>Checked, in jose4j's order: algorithm (allow-list of asymmetric algorithms;
 * {@code none} and HMAC can never pass, so a token "signed" with the issuer's public
 * key as an HMAC secret is refused), signature against the issuer's JWKS, then
 * {@code iss}, {@code aud}, {@code exp} (required) and {@code nbf} with a small
 * skew; then that the email is verified ({@code email_verified}, see {@link EmailVerification}) and short
 * enough to name a role, and finally that the identity claim, in the platform's one spelling
 * ({@link Emails}), equals the user the client asked for.
 *
 * <p>The JWKS is cached; a token with an unknown {@code kid} triggers a refetch,
 * at most once per cool-down, so a stream of forged kids cannot hammer the issuer.
 */
public final class TokenVerifier {

    /** Settings; {@code jwksUri} empty means "discover from the issuer's openid-configuration". */
    public record Settings(String issuer, List<String> audiences, Optional<String> jwksUri, String identityClaim,
                           Duration clockSkew, List<String> algorithms, Duration jwksRefreshCooldown,
                           boolean requireEmailVerified) {
    }

    private static final String EMAIL_VERIFIED = "email_verified";
    private static final String RUN_LOGIN = "run `nais auth login` and connect again";

    private final Settings settings;
    private volatile JwtConsumer consumer;

    public TokenVerifier(Settings settings) {
        this.settings = settings;
    }

    /**
     * The verified token, or a refusal saying what is wrong with it. May block on a JWKS fetch.
     *
     * @param expectedIdentity the startup user; it must be the token's email in the platform's one spelling
     *                         ({@link Emails#normalise}), the name of the person's role
     */
    public VerifiedToken verify(String token, String expectedIdentity) throws LoginRefused {
        JwtClaims claims = validClaims(token);
        String identity = identity(claims);
        requireVerifiedEmail(claims);
        requireRoleNameFits(identity);
        requireStartupUser(identity, expectedIdentity);
        return new VerifiedToken(identity, expiry(claims));
    }

    /** An email the identity provider has not verified names nobody (see {@link EmailVerification}). */
    private void requireVerifiedEmail(JwtClaims claims) throws LoginRefused {
        if (!EmailVerification.accepts(claims.getClaimValue(EMAIL_VERIFIED), settings.requireEmailVerified())) {
            throw new LoginRefused(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "email-not-verified",
                    "the identity provider has not verified the email in the login token: verify it there, then "
                            + RUN_LOGIN);
        }
    }

    /** A longer name would be truncated by CREATE ROLE: the platform gives such a person no role at all. */
    private static void requireRoleNameFits(String identity) throws LoginRefused {
        if (!Emails.fitsRoleName(identity)) {
            throw new LoginRefused(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "email-too-long",
                    "your email is longer than the " + Emails.MAX_ROLE_NAME_BYTES + " bytes a PostgreSQL role name"
                            + " can hold, so the platform cannot give you a role; ask the platform team");
        }
    }

    private static void requireStartupUser(String identity, String expectedIdentity) throws LoginRefused {
        if (identity.equals(expectedIdentity)) {
            return;
        }
        if (identity.equals(Emails.normalise(expectedIdentity))) {
            throw new LoginRefused(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "token-identity-mismatch",
                    "connect as user \"" + identity + "\": the platform spells emails in lower case");
        }
        throw new LoginRefused(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "token-identity-mismatch",
                "the login token belongs to someone else than user \"" + expectedIdentity
                        + "\": connect as the person the token was issued to");
    }

    private JwtClaims validClaims(String token) throws LoginRefused {
        refuseAlgorithmsOutsideAllowList(token);
        try {
            return consumer().processToClaims(token);
        } catch (InvalidJwtException e) {
            throw refusal(e);
        } catch (IOException | RuntimeException e) {
            throw new LoginRefused(SqlState.CANNOT_CONNECT_NOW, "jwks-unavailable",
                    "the login token cannot be checked right now (identity provider unreachable); try again shortly");
        }
    }

    private static LoginRefused refusal(InvalidJwtException e) {
        if (e.hasExpired()) {
            return invalid("token-expired", "token expired: " + RUN_LOGIN);
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID) || e.hasErrorCode(ErrorCodes.ISSUED_AT_INVALID_FUTURE)) {
            return invalid("token-not-yet-valid", "token is not valid yet (check the clock of this machine), or " + RUN_LOGIN);
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return invalid("token-wrong-issuer", "token was issued by another identity provider: " + RUN_LOGIN);
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return invalid("token-wrong-audience", "token was issued for another audience: " + RUN_LOGIN);
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return invalid("token-without-expiry", "token has no expiry and is refused: " + RUN_LOGIN);
        }
        if (causedBy(e, InvalidAlgorithmException.class)) {
            return invalid("token-algorithm-refused", "token is signed with an algorithm the gateway does not accept: " + RUN_LOGIN);
        }
        if (causedBy(e, UnresolvableKeyException.class) && causedBy(e, IOException.class)) {
            return new LoginRefused(SqlState.CANNOT_CONNECT_NOW, "jwks-unavailable",
                    "the login token cannot be checked right now (identity provider unreachable); try again shortly");
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || causedBy(e, UnresolvableKeyException.class)) {
            return invalid("token-bad-signature", "token signature is not valid: " + RUN_LOGIN);
        }
        return invalid("token-malformed", "the password is not a valid login token: " + RUN_LOGIN);
    }

    /**
     * Reads the (unverified) header only to name the refusal precisely; jose4j's
     * algorithm constraint enforces the same allow-list during verification.
     */
    private void refuseAlgorithmsOutsideAllowList(String token) throws LoginRefused {
        String algorithm;
        try {
            algorithm = JsonWebStructure.fromCompactSerialization(token).getAlgorithmHeaderValue();
        } catch (JoseException | RuntimeException e) {
            return; // not a JWS at all: jose4j reports it as malformed
        }
        if (algorithm == null || !settings.algorithms().contains(algorithm)) {
            throw invalid("token-algorithm-refused",
                    "token is signed with an algorithm the gateway does not accept: " + RUN_LOGIN);
        }
    }

    private static LoginRefused invalid(String reason, String message) {
        return new LoginRefused(SqlState.INVALID_PASSWORD, reason, message);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private String identity(JwtClaims claims) throws LoginRefused {
        Object value = claims.getClaimValue(settings.identityClaim());
        if (value instanceof String s && !s.isBlank()) {
            return Emails.normalise(s);
        }
        throw invalid("token-without-identity", "token carries no " + settings.identityClaim() + " claim: " + RUN_LOGIN);
    }

    private static Instant expiry(JwtClaims claims) throws LoginRefused {
        try {
            return Instant.ofEpochSecond(claims.getExpirationTime().getValue());
        } catch (MalformedClaimException e) {
            throw invalid("token-malformed", "the password is not a valid login token: " + RUN_LOGIN);
        }
    }

    /** Built on first use, so the gateway starts even while the issuer is unreachable. */
    private JwtConsumer consumer() throws IOException {
        JwtConsumer built = consumer;
        if (built == null) {
            synchronized (this) {
                if (consumer == null) {
                    consumer = build();
                }
                built = consumer;
            }
        }
        return built;
    }

    private JwtConsumer build() throws IOException {
        HttpsJwks jwks = new HttpsJwks(settings.jwksUri().orElseGet(this::discoverJwksUri));
        jwks.setRefreshReprieveThreshold(settings.jwksRefreshCooldown().toMillis());
        return new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        settings.algorithms().toArray(String[]::new))
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(jwks))
                .setExpectedIssuer(settings.issuer())
                .setExpectedAudience(settings.audiences().toArray(String[]::new))
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds((int) settings.clockSkew().toSeconds())
                .build();
    }

    private String discoverJwksUri() {
        String location = settings.issuer().replaceAll("/+$", "") + "/.well-known/openid-configuration";
        try {
            Map<String, Object> metadata = JsonUtil.parseJson(new Get().get(location).getBody());
            String uri = JsonHelp.getString(metadata, "jwks_uri");
            if (uri == null) {
                throw new IllegalStateException("no jwks_uri in " + location);
            }
            return uri;
        } catch (Exception e) {
            throw new IllegalStateException("could not discover the JWKS of " + settings.issuer(), e);
        }
    }
}
