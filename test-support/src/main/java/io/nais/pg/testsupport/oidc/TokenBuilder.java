package io.nais.pg.testsupport.oidc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Mints a token signed with the issuer's own key, so the issuer's JWKS
 * verifies it. Every time claim can be set, including ones already in the
 * past, to prove expiry and not-before handling.
 */
public final class TokenBuilder {

    private final String issuer;
    private final PublicJsonWebKey key;
    private String subject = OidcIssuer.DEFAULT_EMAIL;
    private String email = OidcIssuer.DEFAULT_EMAIL;
    private Boolean emailVerified = true;
    private List<String> groups = List.of();
    private List<String> audience = List.of(OidcIssuer.DEFAULT_AUDIENCE);
    private Instant issuedAt;
    private Instant notBefore;
    private Instant expiresAt;
    private Duration lifetime = Duration.ofMinutes(5);
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private String issuerOverride;

    TokenBuilder(String issuer, PublicJsonWebKey key) {
        this.issuer = issuer;
        this.key = key;
    }

    public TokenBuilder subject(String subject) {
        this.subject = subject;
        return this;
    }

    /** Sets the {@code email} claim (and leaves the subject alone). */
    public TokenBuilder email(String email) {
        this.email = email;
        return this;
    }

    /** Sets {@code email_verified} (true unless told); {@code null} leaves the claim out, as some issuers do. */
    public TokenBuilder emailVerified(Boolean verified) {
        this.emailVerified = verified;
        return this;
    }

    public TokenBuilder groups(String... groups) {
        this.groups = List.of(groups);
        return this;
    }

    public TokenBuilder groups(List<String> groups) {
        this.groups = List.copyOf(groups);
        return this;
    }

    public TokenBuilder audience(String... audience) {
        this.audience = List.of(audience);
        return this;
    }

    /** {@code exp = iat + lifetime}, unless {@link #expiresAt} is set. */
    public TokenBuilder lifetime(Duration lifetime) {
        this.lifetime = lifetime;
        return this;
    }

    public TokenBuilder issuedAt(Instant issuedAt) {
        this.issuedAt = issuedAt;
        return this;
    }

    public TokenBuilder notBefore(Instant notBefore) {
        this.notBefore = notBefore;
        return this;
    }

    public TokenBuilder expiresAt(Instant expiresAt) {
        this.expiresAt = expiresAt;
        return this;
    }

    /** A different {@code iss}, to prove a verifier rejects foreign issuers. */
    public TokenBuilder issuer(String issuer) {
        this.issuerOverride = issuer;
        return this;
    }

    /** Any other claim; {@code null} removes a standard one (e.g. {@code claim("email", null)}). */
    public TokenBuilder claim(String name, Object value) {
        extra.put(name, value);
        return this;
    }

    /** The compact JWS (ES256, {@code kid} of the issuer's key). */
    public String sign() {
        Instant iat = issuedAt != null ? issuedAt : Instant.now();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuerOverride != null ? issuerOverride : issuer);
        claims.setSubject(subject);
        claims.setAudience(new ArrayList<>(audience));
        claims.setClaim("email", email);
        if (emailVerified != null) {
            claims.setClaim("email_verified", emailVerified);
        }
        claims.setStringListClaim("groups", new ArrayList<>(groups));
        claims.setIssuedAt(NumericDate.fromSeconds(iat.getEpochSecond()));
        claims.setNotBefore(NumericDate.fromSeconds((notBefore != null ? notBefore : iat).getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds((expiresAt != null ? expiresAt : iat.plus(lifetime)).getEpochSecond()));
        claims.setGeneratedJwtId();
        extra.forEach((name, value) -> {
            if (value == null) {
                claims.unsetClaim(name);
            } else {
                claims.setClaim(name, value);
            }
        });
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("could not sign token", e);
        }
    }
}
