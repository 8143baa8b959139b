package io.nais.pg.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The gateway relayed a person's session to a cluster. {@code grantId} is the
 * DBA grant the session rests on, absent for a team member. Key: the cluster id.
 */
public record SessionOpened(String clusterId, UUID sessionId, String email, String clientAddress, Instant openedAt,
        UUID grantId) implements PlatformEvent {

    public SessionOpened {
        Require.clusterId(clusterId, "SessionOpened.clusterId");
        Require.present(sessionId, "SessionOpened.sessionId");
        email = Emails.normalise(Require.text(email, "SessionOpened.email"));
        Require.text(clientAddress, "SessionOpened.clientAddress");
        Require.present(openedAt, "SessionOpened.openedAt");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
