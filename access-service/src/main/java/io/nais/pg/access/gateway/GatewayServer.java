package io.nais.pg.access.gateway;

import io.nais.pg.access.directory.AccessDirectory;
import io.nais.pg.access.gateway.audit.StatementAudit;
import io.nais.pg.access.gateway.auth.Authoriser;
import io.nais.pg.access.gateway.auth.RefusalThrottle;
import io.nais.pg.access.gateway.auth.TokenVerifier;
import io.nais.pg.access.gateway.backend.BackendConnector;
import io.nais.pg.access.gateway.backend.SocketTransport;
import io.nais.pg.access.gateway.backend.ClientCertificates;
import io.nais.pg.access.gateway.protocol.Messages;
import io.nais.pg.access.gateway.protocol.PgError;
import io.nais.pg.access.gateway.protocol.SqlState;
import io.nais.pg.access.gateway.protocol.StartupPacketDecoder;
import io.nais.pg.access.gateway.session.Session;
import io.nais.pg.access.gateway.session.SessionEvents;
import io.nais.pg.access.gateway.session.SessionRegistry;
import io.netty.handler.ssl.SslContextBuilder;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.function.Function;
import java.util.function.Supplier;
import io.nais.pg.pki.CertificateFiles;
import io.nais.pg.pki.IssuedCertificate;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The gateway's TCP listener: accepts client connections, enforces the overall
 * connection limit, and ends sessions on revocation and on shutdown.
 *
 * <p>Plain Java (no CDI), so tests can run several with real clients and
 * real clusters; {@link GatewayService} wires it into Quarkus.
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GatewayServer.class);
    /** Above this many unsent bytes a relay stops reading its source (see Relay). */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final int maxStartupPacket;
    private final SessionRegistry sessions;
    private final RefusalRecords refusals;
    private final GatewayMeters meters;
    /** A connection's handshake, given whether it is refused for the connection limit (null: it is not). */
    private final Function<PgError, ClientHandshake> handshakes;
    private final int maxConnections;
    private final AtomicInteger connections = new AtomicInteger();
    private final EventLoopGroup acceptor = SocketTransport.eventLoops(1, new DefaultThreadFactory("gateway-accept", true));
    private final EventLoopGroup loops;
    private volatile Channel listener;
    private volatile boolean draining;

    /** One record per client address and reason of refusals before authentication per this window. */
    static final Duration UNAUTHENTICATED_REFUSAL_WINDOW = Duration.ofMinutes(1);
    /** (address, reason) pairs remembered for that: ~100 bytes each. */
    static final int UNAUTHENTICATED_REFUSALS_TRACKED = 10_000;

    /**
     * Wires a gateway from loaded settings.
     *
     * @param blocking runs the steps that may block (token checks, directory reads, events); not an event loop
     */
    public static GatewayServer create(GatewaySettings settings, AccessDirectory directory, SessionEvents events,
                                       Executor blocking) {
        return create(settings, directory, events, blocking, StatementAudit.off(), GatewayMeters.unexported());
    }

    /**
     * As above, with statement audit and meters; the caller owns {@code audit} and closes it after
     * the server (so statements of draining sessions are still delivered or spooled).
     */
    public static GatewayServer create(GatewaySettings settings, AccessDirectory directory, SessionEvents events,
                                       Executor blocking, StatementAudit audit, GatewayMeters meters) {
        Clock clock = Clock.systemUTC();
        ClientCertificates certificates = new ClientCertificates(settings.clientCa(), settings.trustedClusterCas(),
                settings.clientCertificateValidity(), clock);
        SessionRegistry sessions = new SessionRegistry(settings.maxSessionsPerPerson());
        ClientHandshake.Limits limits = new ClientHandshake.Limits(settings.maxStartupPacket(),
                settings.maxPasswordMessage(), settings.startupTimeout());
        LoginCheck logins = new LoginCheck(new TokenVerifier(settings.token()), new Authoriser(directory, settings.readOnlyTeams()), audit,
                sessions, clock, blocking);
        BackendConnector backends = new BackendConnector(certificates, settings.backendConnectTimeout(),
                settings.verifyClusterHostname());
        SessionStart starts = new SessionStart(sessions, events, audit, blocking, clock,
                settings.endSessionAtTokenExpiry(), meters);
        RefusalRecords refusals = new RefusalRecords(events, new RefusalThrottle(UNAUTHENTICATED_REFUSAL_WINDOW,
                UNAUTHENTICATED_REFUSALS_TRACKED, clock), blocking);
        Supplier<SslContext> serverTls = CertificateFiles.rebuiltOnChange(settings.serverCertificate(),
                GatewayServer::serverTls);
        GatewayServer server = new GatewayServer(settings.maxStartupPacket(), sessions, refusals, meters,
                overLimit -> new ClientHandshake(limits, logins, backends, sessions, starts, refusals, meters,
                        serverTls.get(), overLimit),
                settings.maxConnections(), settings.eventLoopThreads());
        meters.openSessions(server);
        return server;
    }

    private static SslContext serverTls(IssuedCertificate certificate) {
        try {
            return SslContextBuilder
                    .forServer(certificate.privateKey(), certificate.certificateAndChain().toArray(X509Certificate[]::new))
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("could not build the gateway's TLS context", e);
        }
    }

    /** @param handshakes each connection's handshake, whose phases were given what they use (see {@link #create}) */
    GatewayServer(int maxStartupPacket, SessionRegistry sessions, RefusalRecords refusals, GatewayMeters meters,
                  Function<PgError, ClientHandshake> handshakes, int maxConnections, int eventLoopThreads) {
        this.maxStartupPacket = maxStartupPacket;
        this.meters = meters;
        this.sessions = sessions;
        this.refusals = refusals;
        this.handshakes = handshakes;
        this.maxConnections = maxConnections;
        this.loops = SocketTransport.eventLoops(eventLoopThreads, new DefaultThreadFactory("gateway-io", true));
    }

    /** Binds and returns the bound port (useful with port 0). */
    public int start(String host, int port) {
        listener = new ServerBootstrap()
                .group(acceptor, loops)
                .channel(SocketTransport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accept(ch);
                    }
                })
                .bind(host, port)
                .syncUninterruptibly()
                .channel();
        int bound = port();
        LOG.infof("postgres gateway listening on %s:%d (TLS: %s, sockets: %s)", host, bound, SslContext.defaultServerProvider(),
                SocketTransport.name());
        return bound;
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** False from the moment draining starts: readiness follows this. */
    public boolean isAccepting() {
        return listener != null && listener.isActive() && !draining;
    }

    /** Connections refused before the client authenticated, recorded or held back by the rate limit. */
    public long unauthenticatedRefusals() {
        return refusals.unauthenticated();
    }

    /** Of those, the ones that became no record of their own (counted in the next record of their address). */
    public long unauthenticatedRefusalsHeldBack() {
        return refusals.unauthenticatedHeldBack();
    }

    public int liveSessions() {
        return sessions.size();
    }

    private void accept(SocketChannel ch) {
        // over the limit, a client still gets its TLS handshake and then a 53300 it can show, as from PostgreSQL;
        // the startup timeout bounds what such a connection costs
        boolean overLimit = connections.incrementAndGet() > maxConnections || draining;
        ch.closeFuture().addListener(f -> connections.decrementAndGet());
        ch.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
        ch.pipeline()
                .addLast(ClientHandshake.DECODER, new StartupPacketDecoder(maxStartupPacket))
                .addLast(ClientHandshake.HANDLER, handshakes.apply(overLimit ? refusal() : null));
    }

    private PgError refusal() {
        return PgError.fatal(SqlState.TOO_MANY_CONNECTIONS, draining
                ? "the gateway is shutting down; connect again"
                : "the gateway has too many connections; try again shortly");
    }

    /**
     * Ends the person's sessions on the cluster: a FATAL ErrorResponse (when it does
     * not cut a message in half), then close. Returns how many were ended.
     */
    public int revoke(String clusterId, String email, String reason) {
        int ended = 0;
        for (Session session : sessions.of(clusterId, email)) {
            session.end(PgError.fatal(SqlState.ADMIN_SHUTDOWN,
                    "your access to \"" + clusterId + "\" has ended (" + reason + "); the session is terminated"),
                    "revoked:" + reason);
            ended++;
        }
        meters.revoked(ended);
        return ended;
    }

    /**
     * Graceful drain: stop accepting, let sessions finish for up to {@code grace},
     * then end the rest and stop the event loops.
     */
    public void drain(Duration grace) {
        draining = true;
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        Instant deadline = Instant.now().plus(grace);
        while (sessions.size() > 0 && Instant.now().isBefore(deadline)) {
            sleep(50);
        }
        for (Session session : sessions.all()) {
            session.end(PgError.fatal(SqlState.ADMIN_SHUTDOWN, "the gateway is shutting down; connect again"), "gateway-shutdown");
        }
        Instant hardDeadline = Instant.now().plusSeconds(2);
        while (sessions.size() > 0 && Instant.now().isBefore(hardDeadline)) {
            sleep(20);
        }
        close();
    }

    @Override
    public void close() {
        draining = true;
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
