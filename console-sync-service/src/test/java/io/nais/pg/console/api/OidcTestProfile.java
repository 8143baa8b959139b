package io.nais.pg.console.api;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The API and page tests: OIDC on, against the issuer that {@code @RealInfrastructure(oidc = true)} starts. */
public class OidcTestProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.oidc.tenant-enabled", "true");
    }
}
