package io.nais.pg.access.gateway;

import io.nais.pg.access.gateway.audit.StatementAudit;
import io.nais.pg.access.gateway.backend.BackendReady;
import io.nais.pg.access.gateway.protocol.PgError;
import io.nais.pg.access.gateway.protocol.SqlState;
import io.nais.pg.access.gateway.session.Session;
import io.nais.pg.access.gateway.session.SessionEvents;
import io.nais.pg.access.gateway.session.SessionRegistry;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Phase 5's bookkeeping of a relayed session: its gateway cancel key, its place in the registry, SessionOpened
 * and SessionClosed, its statement tap, and its end at token expiry where the cluster asks for that.
 */
final class SessionStart {

    private final SessionRegistry sessions;
    private final SessionEvents events;
    private final StatementAudit audit;
    private final Executor blocking;
    private final Clock clock;
    private final Set<String> endAtTokenExpiry;
    private final GatewayMeters meters;

    /**
     * @param blocking         publishes the session's events, which may block; never an event loop
     * @param endAtTokenExpiry cluster ids whose sessions end when the login token expires ("*" = all)
     */
    SessionStart(SessionRegistry sessions, SessionEvents events, StatementAudit audit, Executor blocking, Clock clock,
                 Set<String> endAtTokenExpiry, GatewayMeters meters) {
        this.meters = meters;
        this.sessions = sessions;
        this.events = events;
        this.audit = audit;
        this.blocking = blocking;
        this.clock = clock;
        this.endAtTokenExpiry = Set.copyOf(endAtTokenExpiry);
    }

    /** The session of a login whose cluster connection is ready, with a cancel key of the gateway's own. */
    Session create(Session.Login login, BackendReady backend, Channel client) {
        return new Session(login, sessions.newKey(), backend.backendKey(),
                (InetSocketAddress) backend.channel().remoteAddress(), client, backend.channel(), clock.instant());
    }

    /** Registers the session and starts relaying it through its statement tap. */
    void start(Session session) {
        register(session);
        session.startRelay(audit.tap(session.id(), session.clusterId(), session.email(), session.grantId() != null));
    }

    private void register(Session session) {
        sessions.add(session);
        blocking.execute(() -> events.opened(session));
        session.client().closeFuture().addListener(f -> {
            session.backend().close();
            if (sessions.remove(session)) {
                meters.relayed(session.bytesFromClient(), session.bytesToClient());
                Instant closedAt = clock.instant();
                String reason = session.endReason("connection-closed");
                blocking.execute(() -> events.closed(session, reason, closedAt));
            }
        });
        session.backend().closeFuture().addListener(f -> {
            if (!session.isEnding()) {
                session.client().close();
            }
        });
        if (endsAtTokenExpiry(session.clusterId())) {
            long delay = Math.max(0, Duration.between(clock.instant(), session.tokenExpiresAt()).toMillis());
            session.client().eventLoop().schedule(() -> session.end(PgError.fatal(SqlState.ADMIN_SHUTDOWN,
                    "your login token expired and this cluster ends sessions with it: run `nais auth login` and connect again"),
                    "token-expired"), delay, TimeUnit.MILLISECONDS);
        }
    }

    private boolean endsAtTokenExpiry(String clusterId) {
        return endAtTokenExpiry.contains("*") || endAtTokenExpiry.contains(clusterId);
    }
}
