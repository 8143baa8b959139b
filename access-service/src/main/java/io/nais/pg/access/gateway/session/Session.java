package io.nais.pg.access.gateway.session;

import io.nais.pg.access.AccessLevel;
import io.nais.pg.access.gateway.audit.StatementTap;
import io.nais.pg.access.gateway.protocol.CancelKey;
import io.nais.pg.access.gateway.protocol.MessageBoundary;
import io.nais.pg.access.gateway.protocol.Messages;
import io.nais.pg.access.gateway.protocol.PgError;
import io.nais.pg.kit.logging.LogContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * One relayed session: a client connection joined to a backend connection,
 * logged in as one person on one cluster.
 */
public final class Session {

    private static final Logger LOG = Logger.getLogger(Session.class);

    private final UUID id = UUID.randomUUID();
    private final String email;
    private final String clusterId;
    private final String clientAddress;
    private final String grantId;
    private final AccessLevel level;
    private final Instant tokenExpiresAt;
    private final Instant openedAt;
    private final CancelKey gatewayKey;
    private final CancelKey backendKey;
    private final InetSocketAddress backendAddress;
    private final Channel client;
    private final Channel backend;
    private final AtomicLong bytesFromClient = new AtomicLong();
    private final AtomicLong bytesToClient = new AtomicLong();
    private final AtomicReference<String> endReason = new AtomicReference<>();
    private volatile Relay.Direction toClient;

    public Session(Login login, CancelKey gatewayKey, CancelKey backendKey, InetSocketAddress backendAddress,
                   Channel client, Channel backend, Instant openedAt) {
        this.email = login.email();
        this.clusterId = login.clusterId();
        this.clientAddress = login.clientAddress();
        this.grantId = login.grantId();
        this.level = login.level();
        this.tokenExpiresAt = login.tokenExpiresAt();
        this.gatewayKey = gatewayKey;
        this.backendKey = backendKey;
        this.backendAddress = backendAddress;
        this.client = client;
        this.backend = backend;
        this.openedAt = openedAt;
    }

    /** Who logged in where, as established by the handshake. */
    public record Login(String email, String clusterId, String clientAddress, String grantId, Instant tokenExpiresAt,
                        AccessLevel level) {

        /** The cluster role the session runs as: the person's role of its level. */
        public String roleName() {
            return level.roleName(email);
        }
    }

    /**
     * Joins the two connections. Bytes flow only after this; the caller has already
     * written the client's ready messages.
     */
    public void startRelay() {
        startRelay(null);
    }

    /**
     * As {@link #startRelay()}, with the client's statements reported by {@code statementTap} (null: not audited),
     * which also hears the type of each server message, to record what the server did.
     */
    public void startRelay(StatementTap statementTap) {
        Relay.Direction fromClient = Relay.join(this, client, backend, bytesFromClient, null, statementTap);
        toClient = Relay.join(this, backend, client, bytesToClient,
                new MessageBoundary(statementTap == null ? null : statementTap::serverMessage), null);
        fromClient.start();
        toClient.start();
    }

    /**
     * Ends the session from the gateway's side: tells the client why (if that does
     * not cut a message in half) and closes both connections. Safe from any thread,
     * idempotent.
     */
    public void end(PgError error, String reason) {
        if (!endReason.compareAndSet(null, reason)) {
            return;
        }
        try (LogContext log = logContext()) {
            LOG.infof("ending session: %s", reason);
        }
        client.eventLoop().execute(() -> {
            backend.config().setAutoRead(false);
            if (toClient != null && toClient.atMessageBoundary() && client.isActive()) {
                client.writeAndFlush(Messages.errorResponse(client.alloc(), error)).addListener(ChannelFutureListener.CLOSE);
            } else {
                client.close();
            }
            backend.close();
        });
    }

    /** True once the gateway decided to end the session; the client is then closed by {@link #end}, after the error. */
    public boolean isEnding() {
        return endReason.get() != null;
    }

    /** Why the session ended: the gateway's reason, or which side closed first. */
    public String endReason(String fallback) {
        endReason.compareAndSet(null, fallback);
        return endReason.get();
    }

    /** The MDC of log lines about this session: its id, cluster and person. Close it (try-with-resources). */
    public LogContext logContext() {
        return LogContext.open().session(id).cluster(clusterId).person(email);
    }

    public UUID id() {
        return id;
    }

    public String email() {
        return email;
    }

    public String clusterId() {
        return clusterId;
    }

    public String clientAddress() {
        return clientAddress;
    }

    public String grantId() {
        return grantId;
    }

    public AccessLevel level() {
        return level;
    }

    public Instant tokenExpiresAt() {
        return tokenExpiresAt;
    }

    public Instant openedAt() {
        return openedAt;
    }

    public CancelKey gatewayKey() {
        return gatewayKey;
    }

    public CancelKey backendKey() {
        return backendKey;
    }

    public InetSocketAddress backendAddress() {
        return backendAddress;
    }

    public Channel client() {
        return client;
    }

    public Channel backend() {
        return backend;
    }

    public long bytesFromClient() {
        return bytesFromClient.get();
    }

    public long bytesToClient() {
        return bytesToClient.get();
    }

    @Override
    public String toString() {
        return "Session[" + id + ", cluster=" + clusterId + ", email=" + email + "]";
    }
}
