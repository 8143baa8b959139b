package io.nais.pg.access.gateway;

import io.nais.pg.access.gateway.auth.RefusalThrottle;
import io.nais.pg.access.gateway.session.SessionEvents;
import io.nais.pg.access.gateway.session.SessionEvents.LoginDenial;
import io.nais.pg.access.gateway.session.SessionEvents.UnauthenticatedRefusal;
import java.util.concurrent.Executor;

/**
 * A refused login goes to the audit trail as what is known to be true. After the token is verified:
 * a LoginDenied of that person, on the requested cluster if it exists. Before: the user and
 * database are only claims, and anyone could name anyone (writing into another team's trail),
 * so the record names neither, only the address and reason, rate-limited and counted.
 */
final class RefusalRecords {

    private final SessionEvents events;
    private final RefusalThrottle throttle;
    private final Executor blocking;

    /** @param blocking publishes the records, which may block; never an event loop */
    RefusalRecords(SessionEvents events, RefusalThrottle throttle, Executor blocking) {
        this.events = events;
        this.throttle = throttle;
        this.blocking = blocking;
    }

    /**
     * @param verifiedEmail the token's identity, or null when the refusal came before it was verified
     * @param knownCluster  the requested cluster, once the directory knew it
     */
    void record(String verifiedEmail, String knownCluster, String clientAddress, String reason, String sqlState) {
        if (verifiedEmail != null) {
            LoginDenial denial = new LoginDenial(knownCluster, verifiedEmail, clientAddress, reason, sqlState);
            blocking.execute(() -> events.loginDenied(denial));
            return;
        }
        long refusals = throttle.refused(clientAddress, reason);
        if (refusals > 0) {
            UnauthenticatedRefusal refusal = new UnauthenticatedRefusal(clientAddress, reason, sqlState, refusals);
            blocking.execute(() -> events.unauthenticatedRefused(refusal));
        }
    }

    /** Connections refused before the client authenticated, recorded or held back by the rate limit. */
    long unauthenticated() {
        return throttle.refused();
    }

    /** Of those, the ones that became no record of their own (counted in the next record of their address). */
    long unauthenticatedHeldBack() {
        return throttle.heldBack();
    }
}
