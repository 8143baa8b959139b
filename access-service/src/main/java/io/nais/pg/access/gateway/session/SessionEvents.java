package io.nais.pg.access.gateway.session;

import java.time.Instant;

/**
 * Where the gateway reports what happened to logins and sessions: the audit trail
 * (SessionOpened, SessionClosed, LoginDenied, UnauthenticatedLoginRefused on the
 * access topic). A seam, so the relay does not know about the outbox.
 */
public interface SessionEvents {

    void opened(Session session);

    void closed(Session session, String reason, Instant closedAt);

    /** A person whose token the gateway verified was refused. */
    void loginDenied(LoginDenial denial);

    /** A connection was refused before the client proved who it is; already rate-limited. */
    void unauthenticatedRefused(UnauthenticatedRefusal refusal);

    /**
     * A refused login of a verified person, as recorded for auditors. Never carries the token.
     *
     * @param clusterId     requested cluster, when the directory knows it (a cluster id that does not
     *                      exist names no team's trail)
     * @param email         the identity in the verified token
     * @param clientAddress where the connection came from
     * @param reason        machine-readable reason, e.g. {@code token-expired}, {@code not-a-member}
     * @param sqlState      the SQLSTATE the client was answered with
     */
    record LoginDenial(String clusterId, String email, String clientAddress, String reason, String sqlState) {
    }

    /**
     * A refusal before authentication: nothing the client typed (user, database) is in it, since
     * anyone could type anyone's name.
     *
     * @param refusals how many refusals of this address and reason this record stands for
     */
    record UnauthenticatedRefusal(String clientAddress, String reason, String sqlState, long refusals) {
    }
}
