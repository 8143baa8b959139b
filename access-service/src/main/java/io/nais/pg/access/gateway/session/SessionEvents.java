package io.nais.pg.access.gateway.session;

import java.time.Instant;

/**
 * Where the gateway reports what happened to logins and sessions: the audit trail
 * (SessionOpened, SessionClosed, LoginDenied on the access topic). A seam, so the
 * relay does not know about the outbox.
 */
public interface SessionEvents {

    void opened(Session session);

    void closed(Session session, String reason, Instant closedAt);

    void loginDenied(LoginDenial denial);

    /**
     * A refused login, as recorded for auditors. Never carries the token.
     *
     * @param clusterId     requested cluster, if the startup message got that far
     * @param email         requested user, if the startup message got that far
     * @param clientAddress where the connection came from
     * @param reason        machine-readable reason, e.g. {@code token-expired}, {@code not-a-member}
     * @param sqlState      the SQLSTATE the client was answered with
     */
    record LoginDenial(String clusterId, String email, String clientAddress, String reason, String sqlState) {
    }
}
