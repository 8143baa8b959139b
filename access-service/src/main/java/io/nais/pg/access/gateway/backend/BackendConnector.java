package io.nais.pg.access.gateway.backend;

import io.nais.pg.pki.CertificateAuthority;
import io.netty.handler.ssl.SslContext;
import io.nais.pg.access.directory.AccessDirectory.ClusterEndpoint;
import io.nais.pg.access.gateway.protocol.CancelKey;
import io.nais.pg.access.gateway.protocol.Messages;
import io.nais.pg.access.gateway.protocol.PgError;
import io.nais.pg.access.gateway.protocol.SqlState;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Opens a backend connection for a person: TCP to the cluster, TLS with the
 * person's minted client certificate, a StartupMessage for the person's role on
 * the cluster's application database, up to ReadyForQuery.
 *
 * <p>The connection runs on the client connection's event loop, so relaying
 * between the two never crosses threads.
 */
public final class BackendConnector {

    private final ClientCertificates certificates;
    private final Duration connectTimeout;
    private final boolean verifyHostname;

    public BackendConnector(ClientCertificates certificates, Duration connectTimeout, boolean verifyHostname) {
        this.certificates = certificates;
        this.connectTimeout = connectTimeout;
        this.verifyHostname = verifyHostname;
    }

    /**
     * Connects and logs in. The future fails with {@link BackendRefused} when the
     * cluster is unreachable or refuses the login.
     *
     * @param passThrough startup parameters of the client other than user and database
     */
    public Future<BackendReady> connect(EventLoop loop, ClusterEndpoint endpoint, String email, Map<String, String> passThrough) {
        Promise<BackendReady> ready = loop.newPromise();
        Map<String, String> startup = new LinkedHashMap<>();
        startup.put("user", email);
        startup.put("database", endpoint.database());
        passThrough.forEach(startup::putIfAbsent);
        SslContext certificate;
        try {
            certificate = certificates.forPerson(email);
        } catch (CertificateAuthority.ExpiredException e) {
            return loop.newFailedFuture(clientCaExpired());
        }
        BackendHandshake handshake = new BackendHandshake(certificate, endpoint, verifyHostname, startup, ready);
        ChannelFuture connected = new Bootstrap()
                .group(loop)
                .channel(SocketTransport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(BackendHandshake.HANDLER, handshake);
                    }
                })
                .connect(endpoint.host(), endpoint.port());
        connected.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                ready.tryFailure(unreachable(endpoint));
            }
        });
        Future<?> timeout = loop.schedule(() -> {
            if (ready.tryFailure(unreachable(endpoint))) {
                connected.channel().close();
            }
        }, connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        ready.addListener(f -> timeout.cancel(false));
        return ready;
    }

    /**
     * Forwards a client's cancel request to the backend that runs its query. Sent
     * without TLS: PostgreSQL accepts cancel requests on any connection and checks
     * only the key, which never leaves the gateway.
     */
    public void cancel(EventLoop loop, InetSocketAddress backend, CancelKey backendKey) {
        new Bootstrap()
                .group(loop)
                .channel(SocketTransport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // nothing to read: the server closes after handling the request
                    }
                })
                .connect(backend)
                .addListener((ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        f.channel().writeAndFlush(Messages.cancelRequest(f.channel().alloc(), backendKey))
                                .addListener(ChannelFutureListener.CLOSE);
                    }
                });
    }

    /** No certificate can be minted: the person's token was fine, the gateway's own CA is not. */
    private static BackendRefused clientCaExpired() {
        return new BackendRefused(PgError.fatal(SqlState.SERVER_REJECTED_CONNECTION,
                "the gateway cannot log anyone in to a cluster now: its client certificate authority has expired "
                        + "(the platform's operators are alerted); try again later"), "client-ca-expired");
    }

    private static BackendRefused unreachable(ClusterEndpoint endpoint) {
        return new BackendRefused(PgError.fatal(SqlState.CONNECTION_FAILURE,
                "cluster \"" + endpoint.clusterId() + "\" is not reachable from the gateway; try again shortly"),
                "cluster-unreachable");
    }
}
