package io.nais.pg.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A relayed session ended; {@code reason} says how (client quit, access revoked,
 * grant expired, …). Key: the cluster id.
 */
public record SessionClosed(String clusterId, UUID sessionId, String email, String clientAddress, Instant openedAt,
        Instant closedAt, long bytesFromClient, long bytesToClient, String reason) implements PlatformEvent {

    public SessionClosed {
        Require.clusterId(clusterId, "SessionClosed.clusterId");
        Require.present(sessionId, "SessionClosed.sessionId");
        email = Emails.normalise(Require.text(email, "SessionClosed.email"));
        Require.text(clientAddress, "SessionClosed.clientAddress");
        Require.notBefore(closedAt, openedAt, "SessionClosed.closedAt", "SessionClosed.openedAt");
        Require.notNegative(bytesFromClient, "SessionClosed.bytesFromClient");
        Require.notNegative(bytesToClient, "SessionClosed.bytesToClient");
        Require.text(reason, "SessionClosed.reason");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
