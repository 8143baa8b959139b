package io.nais.pg.access.gateway;

import io.nais.pg.events.AccessRevoked;
import io.nais.pg.events.Envelope;
import io.nais.pg.kit.logging.LogContext;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * AccessRevoked from provisioning, which runs in another process: every gateway
 * replica reads the whole topic in a consumer group of its own
 * ({@code access-gateway-<uuid>}, from the newest record: a gateway that starts has
 * no session to end), so whichever replica relays the person's session ends it and
 * tells the client why (57P01). Ending sessions is idempotent, so a record read
 * twice changes nothing. A lost record still leaves provisioning's
 * {@code pg_terminate_backend} on the cluster, which ends the relayed session from
 * the cluster's side.
 */
@ApplicationScoped
public class AccessRevocations {

    /** The channel, {@code nais.pg.access-revocations.v1}; enabled only where logins are served. */
    public static final String CHANNEL = "access-revocations";

    private final GatewayService gateway;

    AccessRevocations(GatewayService gateway) {
        this.gateway = gateway;
    }

    /** A record that did not decode arrives as null (fail-on-deserialization-failure=false): nothing to end. */
    @Incoming(CHANNEL)
    @Blocking
    public void on(Envelope<?> envelope) {
        if (envelope != null && envelope.data() instanceof AccessRevoked revoked) {
            try (LogContext log = LogContext.forEvent(envelope).cluster(revoked.clusterId())) {
                gateway.revoke(revoked.clusterId(), revoked.email(), revoked.reason());
            }
        }
    }
}
