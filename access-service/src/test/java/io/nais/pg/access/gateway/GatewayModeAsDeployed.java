package io.nais.pg.access.gateway;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * access-service as the gateway Deployment runs it: the production configuration ({@code prod}
 * profile), {@code nais.access.mode=gateway}, its database login only in {@code nais_access_gateway}
 * ({@link GatewayOnlyDatabase}), and no admin secret source of any kind. Only what a test must
 * change is set: a free port, the test issuer, and the client CA the test's cluster trusts.
 */
public class GatewayModeAsDeployed implements QuarkusTestProfile {

    @Override
    public String getConfigProfile() {
        return "prod";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(new GatewayEnabledProfile().getConfigOverrides());
        config.put("nais.access.mode", "gateway");
        config.remove("nais.access.gateway.drain-timeout");
        config.put("quarkus.http.port", "0");
        return config;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(GatewayOnlyDatabase.class));
    }
}
