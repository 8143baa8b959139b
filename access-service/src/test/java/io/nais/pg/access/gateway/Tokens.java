package io.nais.pg.access.gateway;

import io.nais.pg.testsupport.oidc.OidcIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * Login tokens for the gateway tests: good ones from the real issuer (the one the
 * service's gateway is configured with), and the forgeries of the attack matrix.
 */
final class Tokens {

    private final OidcIssuer issuer;
    private final String audience;

    Tokens(OidcIssuer issuer, String audience) {
        this.issuer = issuer;
        this.audience = audience;
    }

    String valid(String email) {
        return token(email).sign();
    }

    String validFor(String email, Duration lifetime) {
        return token(email).lifetime(lifetime).sign();
    }

    String expired(String email) {
        Instant issued = Instant.now().minus(Duration.ofHours(1));
        return token(email).issuedAt(issued).expiresAt(issued.plus(Duration.ofMinutes(5))).sign();
    }

    String notYetValid(String email) {
        Instant later = Instant.now().plus(Duration.ofHours(1));
        return token(email).notBefore(later).expiresAt(later.plus(Duration.ofMinutes(5))).sign();
    }

    String wrongIssuer(String email) {
        return token(email).issuer("http://127.0.0.1:1/somebody-else").sign();
    }

    /** Signed by the issuer and right in every way, but the issuer has not verified the email. */
    String emailNotVerified(String email) {
        return token(email).emailVerified(false).sign();
    }

    /** From an issuer that never says whether it verified the email. */
    String withoutEmailVerified(String email) {
        return token(email).emailVerified(null).sign();
    }

    String wrongAudience(String email) {
        return token(email).audience("some-other-app").sign();
    }

    /** A valid token whose payload was changed after signing (here: the email). */
    String badSignature(String email, String forgedEmail) {
        String[] parts = valid(email).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace(email, forgedEmail);
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    /** {@code alg: none}: claims that are right in every way but carry no signature. */
    String algNone(String email) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims(email).toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
        jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
        return serialize(jws);
    }

    /** The classic key-confusion attack: HS256 with the issuer's public key (as published) as the HMAC secret. */
    String hs256WithPublicKey(String email) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims(email).toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKeyIdHeaderValue(issuer.signingKey().getKeyId());
        jws.setKey(new HmacKey(issuer.signingPublicJwk().getBytes(StandardCharsets.UTF_8)));
        jws.setDoKeyValidation(false);
        return serialize(jws);
    }

    /** Right claims, signed by a key the issuer never published (as after a key rotation the gateway has not seen). */
    String unknownKey(String email) {
        try {
            org.jose4j.jwk.EllipticCurveJsonWebKey key = org.jose4j.jwk.EcJwkGenerator.generateJwk(
                    org.jose4j.keys.EllipticCurves.P256);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims(email).toJson());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            jws.setKeyIdHeaderValue("rotated-" + System.nanoTime());
            jws.setKey(key.getPrivateKey());
            return serialize(jws);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private io.nais.pg.testsupport.oidc.TokenBuilder token(String email) {
        return issuer.token().subject(email).email(email).audience(audience);
    }

    private JwtClaims claims(String email) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer.issuerUrl());
        claims.setSubject(email);
        claims.setClaim("email", email);
        claims.setClaim("email_verified", true);
        claims.setAudience(audience);
        claims.setIssuedAtToNow();
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().plusSeconds(300).getEpochSecond()));
        return claims;
    }

    private static String serialize(JsonWebSignature jws) {
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
