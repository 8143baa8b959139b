package io.nais.pg.access.gateway;

import io.nais.pg.access.gateway.audit.StatementAudit;
import io.nais.pg.access.gateway.auth.Authoriser;
import io.nais.pg.access.gateway.auth.RefusalThrottle;
import io.nais.pg.access.gateway.auth.TokenVerifier;
import io.nais.pg.access.gateway.backend.BackendConnector;
import io.nais.pg.access.gateway.session.SessionEvents;
import io.nais.pg.access.gateway.session.SessionRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * What a client connection's handshake needs, wired once per gateway.
 *
 * @param blocking       runs token checks, directory look-ups and event publishing, which may block;
 *                       never the event loop
 * @param limits         size and time limits of the handshake
 * @param endAtTokenExpiry cluster ids whose sessions end when the login token expires ("*" = all)
 * @param audit          statement audit: a tap per session, and whether new sessions may start
 * @param refusals       rate limit and count of refusals before authentication
 */
record GatewayParts(TokenVerifier tokens, Authoriser authoriser, BackendConnector backends, SessionRegistry sessions,
                    SessionEvents events, Executor blocking, Limits limits, Set<String> endAtTokenExpiry, Clock clock,
                    StatementAudit audit, RefusalThrottle refusals) {

    record Limits(int maxStartupPacket, int maxPasswordMessage, Duration startupTimeout) {
    }

    boolean endsAtTokenExpiry(String clusterId) {
        return endAtTokenExpiry.contains("*") || endAtTokenExpiry.contains(clusterId);
    }
}
