package io.nais.pg.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The gateway relayed a person's session to a cluster. {@code grantId} is the
 * DBA grant the session rests on, absent for a team member. {@code level} is what
 * the session may do, absent in events from gateways that predate access levels
 * (those sessions could write). Key: the cluster id.
 */
public record SessionOpened(String clusterId, UUID sessionId, String email, String clientAddress, Instant openedAt,
        UUID grantId, Level level) implements PlatformEvent {

    /** A session's access level: which group role its login role is in. */
    public enum Level {
        /** SELECT only, through a read-only login role. */
        READ,
        /** DML, through the person's own login role. */
        WRITE
    }

    public SessionOpened {
        Require.clusterId(clusterId, "SessionOpened.clusterId");
        Require.present(sessionId, "SessionOpened.sessionId");
        email = Emails.normalise(Require.text(email, "SessionOpened.email"));
        Require.text(clientAddress, "SessionOpened.clientAddress");
        Require.present(openedAt, "SessionOpened.openedAt");
    }

    /** A session whose level is not recorded (as events before levels existed). */
    public SessionOpened(String clusterId, UUID sessionId, String email, String clientAddress, Instant openedAt,
                         UUID grantId) {
        this(clusterId, sessionId, email, clientAddress, openedAt, grantId, null);
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
