package io.nais.pg.cli.testing;

import java.time.Duration;
import java.time.Instant;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/** RS256 access tokens for tests that need a token but not an issuer (NAIS_TOKEN, the proxy). */
public final class TestTokens {

    private static final RsaJsonWebKey KEY = generate();

    private TestTokens() {
    }

    public static String accessToken(String email, Duration validFor) {
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer("http://127.0.0.1/cli-test");
            claims.setSubject(email);
            claims.setClaim("email", email);
            claims.setAudience("nais-gateway");
            claims.setIssuedAtToNow();
            claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().plus(validFor).getEpochSecond()));
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(KEY.getPrivateKey());
            jws.setKeyIdHeaderValue(KEY.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RsaJsonWebKey generate() {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("cli-test");
            return key;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
