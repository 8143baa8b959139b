package io.nais.pg.access.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the gateway takes new connections; DOWN from the moment it starts draining. */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {

    private final GatewayService gateway;

    GatewayReadiness(GatewayService gateway) {
        this.gateway = gateway;
    }

    @Override
    public HealthCheckResponse call() {
        boolean up = !gateway.servesLogins() || gateway.isAccepting();
        return HealthCheckResponse.named("postgres-gateway").status(up).build();
    }
}
