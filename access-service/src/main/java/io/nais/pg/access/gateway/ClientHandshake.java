package io.nais.pg.access.gateway;

import io.nais.pg.access.AccessLevel;
import io.nais.pg.access.gateway.auth.Authoriser;
import io.nais.pg.access.gateway.backend.BackendConnector;
import io.nais.pg.access.gateway.backend.BackendReady;
import io.nais.pg.access.gateway.backend.BackendRefused;
import io.nais.pg.access.gateway.protocol.CancelKey;
import io.nais.pg.access.gateway.protocol.MessageDecoder;
import io.nais.pg.access.gateway.protocol.Messages;
import io.nais.pg.access.gateway.protocol.PgError;
import io.nais.pg.access.gateway.protocol.PgMessage;
import io.nais.pg.access.gateway.protocol.ProtocolViolation;
import io.nais.pg.access.gateway.protocol.SqlState;
import io.nais.pg.access.gateway.protocol.StartupPacket;
import io.nais.pg.access.gateway.protocol.StartupPacket.StartupMessage;
import io.nais.pg.access.gateway.session.Session;
import io.nais.pg.access.gateway.session.SessionRegistry;
import io.nais.pg.kit.logging.LogContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The client side of one connection, phase by phase (see package-info for the
 * sequence): {@link #startup}, {@link #authenticate} (the token and the
 * authorisation are checked by {@link LoginCheck}), {@link #connect},
 * {@link #makeReady} (the session's bookkeeping is {@link SessionStart}'s), then
 * {@link Session#startRelay()}. Each phase is given what it uses, no more.
 * Every refusal is an ErrorResponse with a SQLSTATE, followed by close
 * ({@link RefusalRecords} puts it in the audit trail).
 */
final class ClientHandshake extends ChannelInboundHandlerAdapter {

    static final String DECODER = "client-decoder";
    static final String HANDLER = "client-handshake";
    private static final Logger LOG = Logger.getLogger(ClientHandshake.class);

    private enum Phase { STARTUP, PASSWORD, LOGGING_IN, RELAYING, REFUSED }

    /** Size and time limits of the handshake. */
    record Limits(int maxStartupPacket, int maxPasswordMessage, Duration startupTimeout) {
    }

    private final Limits limits;
    private final LoginCheck logins;
    private final BackendConnector backends;
    private final SessionRegistry sessions;
    private final SessionStart starts;
    private final RefusalRecords refusals;
    private final GatewayMeters meters;
    private final SslContext serverTls;
    private Phase phase = Phase.STARTUP;
    private boolean tls;
    private String clientAddress;
    private StartupMessage startup;
    /** Set once the token is verified: until then nothing the client typed is taken as a person or a cluster. */
    private String verifiedEmail;
    private String knownCluster;
    private Future<?> startupTimeout;
    /** When the client connected: a login's duration, as the client waits for it, TLS handshake included. */
    private long connectedNanos;
    private final PgError overLimit;

    /** @param overLimit when not null, every login on this connection is refused with it (connection limit) */
    ClientHandshake(Limits limits, LoginCheck logins, BackendConnector backends, SessionRegistry sessions,
                    SessionStart starts, RefusalRecords refusals, GatewayMeters meters, SslContext serverTls,
                    PgError overLimit) {
        this.meters = meters;
        this.limits = limits;
        this.logins = logins;
        this.backends = backends;
        this.sessions = sessions;
        this.starts = starts;
        this.refusals = refusals;
        this.serverTls = serverTls;
        this.overLimit = overLimit;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connectedNanos = System.nanoTime();
        clientAddress = address(ctx.channel());
        Duration limit = limits.startupTimeout();
        // slowloris: a client that does not finish logging in within the limit is dropped
        startupTimeout = ctx.executor().schedule(() -> {
            if (phase != Phase.RELAYING) {
                ctx.close();
            }
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try (LogContext log = logContext()) {
            switch (phase) {
                case STARTUP -> startup(ctx, (StartupPacket) msg);
                case PASSWORD -> authenticate(ctx, (PgMessage) msg);
                default -> refuse(ctx, PgError.fatal(SqlState.PROTOCOL_VIOLATION, "unexpected message during login"),
                        "protocol-violation");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Phase 1: TLS negotiation, cancel requests, and the StartupMessage. */
    private void startup(ChannelHandlerContext ctx, StartupPacket packet) {
        if (packet instanceof StartupPacket.SslRequest) {
            startTls(ctx);
        } else if (packet instanceof StartupPacket.GssEncRequest) {
            ctx.writeAndFlush(Messages.singleByte(ctx.alloc(), Messages.SSL_REFUSED));
        } else if (packet instanceof StartupPacket.CancelRequest cancel) {
            forwardCancel(ctx, cancel.key());
        } else {
            startupMessage(ctx, (StartupMessage) packet);
        }
    }

    private void startTls(ChannelHandlerContext ctx) {
        if (tls) {
            throw new ProtocolViolation("SSLRequest received twice");
        }
        tls = true;
        // startTls=true: the 'S' answer written next still leaves unencrypted
        ctx.pipeline().addFirst("tls", new SslHandler(serverTls.newEngine(ctx.alloc()), true));
        ctx.writeAndFlush(Messages.singleByte(ctx.alloc(), Messages.SSL_ACCEPTED));
    }

    /** Cancels only through keys this gateway handed out; any other key is dropped without a word, as PostgreSQL does. */
    private void forwardCancel(ChannelHandlerContext ctx, CancelKey key) {
        sessions.byCancelKey(key).ifPresent(session ->
                backends.cancel(ctx.channel().eventLoop(), session.backendAddress(), session.backendKey()));
        phase = Phase.REFUSED;
        ctx.close();
    }

    private void startupMessage(ChannelHandlerContext ctx, StartupMessage message) {
        startup = message;
        if (!tls) {
            refuse(ctx, PgError.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "TLS is required: connect with sslmode=require (or use `nais postgres proxy`)"), "tls-required");
            return;
        }
        if (overLimit != null) {
            refuse(ctx, overLimit, "too-many-connections");
            return;
        }
        if (isBlank(message.parameter("user"))) {
            refuse(ctx, PgError.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "no user given: connect with your email as user name"), "user-missing");
            return;
        }
        if (isBlank(message.parameter("database"))) {
            refuse(ctx, PgError.fatal(SqlState.INVALID_CATALOG_NAME,
                    "no database given: use the cluster id \"<team>/<app>\" as database name"), "database-missing");
            return;
        }
        negotiateProtocolVersion(ctx, message);
        ctx.pipeline().replace(DECODER, DECODER, new MessageDecoder(limits.maxPasswordMessage()));
        phase = Phase.PASSWORD;
        ctx.writeAndFlush(Messages.authenticationCleartextPassword(ctx.alloc()));
    }

    /** The gateway speaks 3.0; a client asking for 3.x or for protocol options is told so, as PostgreSQL does. */
    private static void negotiateProtocolVersion(ChannelHandlerContext ctx, StartupMessage message) {
        List<String> options = message.parameters().keySet().stream().filter(k -> k.startsWith("_pq_.")).sorted().toList();
        if (message.minorVersion() > 0 || !options.isEmpty()) {
            ctx.write(Messages.negotiateProtocolVersion(ctx.alloc(), options));
        }
    }

    /** Phase 2: the password is the login token; checking it may block, so it runs off the event loop. */
    private void authenticate(ChannelHandlerContext ctx, PgMessage message) {
        String token = Messages.password(message);
        phase = Phase.LOGGING_IN;
        ctx.channel().config().setAutoRead(false);
        // user=<email>/ro asks for a read-only session; the token must name <email> either way
        String user = startup.parameter("user");
        String email = AccessLevel.person(user);
        boolean readOnlyAsked = AccessLevel.asksReadOnly(user);
        String clusterId = startup.parameter("database");
        logins.check(token, email, readOnlyAsked, clusterId, clientAddress)
                .whenComplete((outcome, error) -> ctx.executor().execute(() -> {
                    try (LogContext log = logContext()) {
                        afterLogin(ctx, clusterId, outcome, error);
                    }
                }));
    }

    /** Back on the event loop: refuse, or go on to phase 4. */
    private void afterLogin(ChannelHandlerContext ctx, String clusterId, LoginCheck.LoginOutcome outcome,
                            Throwable error) {
        if (outcome != null) {
            verifiedEmail = outcome.verifiedEmail();
            knownCluster = outcome.knownCluster();
        }
        if (error != null) {
            LOG.errorf(error, "login check failed for cluster %s", clusterId);
            refuse(ctx, PgError.fatal(SqlState.CANNOT_CONNECT_NOW, "login could not be checked; try again"),
                    "internal-error");
        } else if (outcome.refusal() != null) {
            refuse(ctx, PgError.fatal(outcome.refusal().sqlState(), outcome.refusal().getMessage()),
                    outcome.refusal().reason());
        } else {
            connect(ctx, outcome.login(), outcome.decision());
        }
    }

    /** Phase 4: log in to the cluster as the person's role of the decided level, with a minted client certificate. */
    private void connect(ChannelHandlerContext ctx, Session.Login login, Authoriser.Decision decision) {
        if (!ctx.channel().isActive()) {
            sessions.release(login.email());
            return;
        }
        Map<String, String> passThrough = new LinkedHashMap<>(startup.parameters());
        passThrough.keySet().removeIf(k -> k.equals("user") || k.equals("database") || k.startsWith("_pq_."));
        backends.connect(ctx.channel().eventLoop(), decision.endpoint(), login.roleName(), passThrough)
                .addListener(f -> {
                    if (f.isSuccess()) {
                        makeReady(ctx, login, (BackendReady) f.getNow());
                    } else {
                        sessions.release(login.email());
                        BackendRefused refused = f.cause() instanceof BackendRefused b ? b
                                : new BackendRefused(PgError.fatal(SqlState.CONNECTION_FAILURE, "cluster not reachable"),
                                "backend-connection-failed");
                        refuse(ctx, refused.error(), refused.reason());
                    }
                });
    }

    /** Phase 5: the client sees AuthenticationOk, the cluster's parameters, the gateway's own cancel key, ReadyForQuery. */
    private void makeReady(ChannelHandlerContext ctx, Session.Login login, BackendReady backend) {
        Channel client = ctx.channel();
        if (!client.isActive()) {
            sessions.release(login.email());
            backend.statusMessages().release();
            backend.readyForQuery().release();
            backend.channel().close();
            return;
        }
        Session session = starts.create(login, backend, client);
        client.write(Messages.authenticationOk(ctx.alloc()));
        client.write(backend.statusMessages());
        client.write(Messages.backendKeyData(ctx.alloc(), session.gatewayKey()));
        client.writeAndFlush(backend.readyForQuery());
        phase = Phase.RELAYING;
        meters.accepted(connectedNanos);
        startupTimeout.cancel(false);
        starts.start(session);
        ctx.pipeline().remove(this);
        ctx.pipeline().remove(DECODER);
    }

    private void refuse(ChannelHandlerContext ctx, PgError error, String reason) {
        phase = Phase.REFUSED;
        ctx.channel().config().setAutoRead(false);
        meters.refused(reason, connectedNanos);
        record(reason, error.sqlState());
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(Messages.errorResponse(ctx.alloc(), error)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void record(String reason, String sqlState) {
        refusals.record(verifiedEmail, knownCluster, clientAddress, reason, sqlState);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (phase == Phase.REFUSED || phase == Phase.RELAYING) {
            ctx.close();
        } else if (root instanceof ProtocolViolation violation) {
            refuse(ctx, PgError.fatal(SqlState.PROTOCOL_VIOLATION, violation.getMessage()), "protocol-violation");
        } else {
            // TLS failures, resets: nothing useful can reach the client
            phase = Phase.REFUSED;
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (startupTimeout != null) {
            startupTimeout.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    /** The cluster and person this connection asks for, once the StartupMessage said so. */
    private LogContext logContext() {
        LogContext context = LogContext.open();
        return startup == null ? context
                : context.cluster(startup.parameter("database")).person(startup.parameter("user"));
    }

    private static String address(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : String.valueOf(channel.remoteAddress());
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
