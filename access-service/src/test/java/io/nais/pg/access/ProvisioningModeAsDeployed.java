package io.nais.pg.access;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

/**
 * access-service with the production configuration ({@code prod} profile, no {@code %test}
 * settings) in the provisioning Deployment's mode. The gateway port is a free port here, so a
 * test can show that nothing listens on it.
 */
public class ProvisioningModeAsDeployed implements QuarkusTestProfile {

    /** Chosen once per JVM; Quarkus loads this class twice, so both read the same system property. */
    static int gatewayPort() {
        return Integer.parseInt(System.getProperties().computeIfAbsent("test.provisioning.gateway-port",
                key -> Integer.toString(freePort())).toString());
    }

    @Override
    public String getConfigProfile() {
        return "prod";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("nais.access.mode", "provisioning",
                "nais.access.gateway.port", Integer.toString(gatewayPort()),
                "quarkus.http.port", "0");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(GatewayReaderRole.class));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
