package io.nais.pg.access;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** access-service as the provisioning Deployment runs it: no gateway. */
public class ProvisioningMode implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("nais.access.mode", "provisioning");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(GatewayReaderRole.class));
    }
}
