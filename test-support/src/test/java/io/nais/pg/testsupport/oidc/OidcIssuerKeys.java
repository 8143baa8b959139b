package io.nais.pg.testsupport.oidc;

import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.keys.EllipticCurves;

/** A token signed by a key the issuer never published, under the issuer's kid. */
final class OidcIssuerKeys {

    private OidcIssuerKeys() {
    }

    static String foreignToken(String issuerUrl) {
        try {
            EllipticCurveJsonWebKey stranger = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            stranger.setKeyId(OidcIssuer.ISSUER_ID);
            return new TokenBuilder(issuerUrl, stranger).sign();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
