package io.nais.pg.cli.proxy;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.ExitCode;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.config.ConfigKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Opens a TLS connection to the gateway the PostgreSQL way: TCP, SSLRequest,
 * the gateway's 'S', then the TLS handshake, verifying the gateway's
 * certificate (configured CA, else the system trust store) and that it names the host
 * ({@link GatewayIdentity}).
 */
public final class GatewayDialer implements AutoCloseable {

    /** A dialer started before the command line was parsed ({@link #headStart}), kept for the command that dials the same gateway. */
    private static final AtomicReference<GatewayDialer> HEAD_START = new AtomicReference<>();

    private final String host;
    private final int port;
    private final Path caFile;
    private final CompletableFuture<SSLContext> tls;
    private final AtomicReference<CompletableFuture<SSLSocket>> ahead = new AtomicReference<>();

    public GatewayDialer(String host, int port, SSLContext tls) {
        this(host, port, null, CompletableFuture.completedFuture(tls));
    }

    private GatewayDialer(String host, int port, Path caFile, CompletableFuture<SSLContext> tls) {
        this.host = host;
        this.port = port;
        this.caFile = caFile;
        this.tls = tls;
    }

    /**
     * Loading the trust store costs a fifth of a second; it happens on another
     * thread while the proxy binds and announces itself, and the first
     * connection waits for it if it must. A {@link #headStart} to this very
     * gateway is taken over, with the connection it has dialed.
     */
    public static GatewayDialer fromConfig(CliConfig config, Route route) {
        Path caFile = caFile(config);
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new CliException(ExitCode.CONFIG, "gateway.ca-file " + caFile + " cannot be read.");
        }
        GatewayDialer early = HEAD_START.getAndSet(null);
        if (early != null && early.host.equals(route.gatewayHost()) && early.port == route.gatewayPort()
                && Objects.equals(early.caFile, caFile)) {
            return early;
        }
        if (early != null) {
            early.close();
        }
        return trustingAsync(route.gatewayHost(), route.gatewayPort(), caFile);
    }

    /**
     * Starts dialing the configured gateway before the command line is even parsed
     * ({@code nais postgres psql}, whose one connection is certain): the TLS handshake
     * then runs on the second core while picocli builds its model of every command on
     * the first. {@link #fromConfig} takes it over when the command's gateway is this one;
     * a configuration that names no usable gateway starts nothing (the command says why).
     */
    public static void headStart(CliConfig config) {
        Optional<String> host = config.get(ConfigKey.GATEWAY_HOST);
        Path caFile = caFile(config);
        if (host.isEmpty() || caFile != null && !Files.isReadable(caFile)) {
            return;
        }
        try {
            HEAD_START.set(trustingAsync(host.get(), config.requirePort(ConfigKey.GATEWAY_PORT), caFile).dialAhead());
        } catch (CliException e) {
            // an invalid port: the command reports it
        }
    }

    private static GatewayDialer trustingAsync(String host, int port, Path caFile) {
        return new GatewayDialer(host, port, caFile, CompletableFuture.supplyAsync(() -> trusting(caFile)));
    }

    private static Path caFile(CliConfig config) {
        return config.get(ConfigKey.GATEWAY_CA_FILE).map(Path::of).orElse(null);
    }

    private SSLContext tls() {
        try {
            return tls.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof CliException cli ? cli : e;
        }
    }

    public String address() {
        return host + ":" + port;
    }

    /**
     * Starts dialing the next connection now, on another thread: {@code nais postgres psql}
     * knows its one client is about to come, so TCP and the TLS handshake (the slowest part
     * of a cold start) overlap with starting psql. No token travels before a client's
     * startup message arrives; an unused connection is closed by {@link #close}.
     */
    public GatewayDialer dialAhead() {
        if (ahead.get() != null) {
            return this; // dialed ahead already (a head start)
        }
        ahead.set(CompletableFuture.supplyAsync(() -> {
            try (SetupDeadline deadline = SetupDeadline.start()) {
                return dialNow(deadline, SetupTimer.start());
            } catch (GatewayUnreachableException e) {
                throw new CompletionException(e);
            }
        }));
        return this;
    }

    /**
     * The connection dialed ahead, if there is one, else a new one.
     *
     * @param deadline closes the connection when TCP, the SSLRequest or TLS take too long (no socket timeout:
     *                 see {@link SetupDeadline}); a connection dialed ahead is handed to it for the login
     * @param timer    gets the steps "tcp" (connect, SSLRequest, 'S') and "tls" (the handshake)
     * @throws GatewayUnreachableException when TCP, the SSLRequest or TLS fails
     */
    SSLSocket dial(SetupDeadline deadline, SetupTimer timer) throws GatewayUnreachableException {
        CompletableFuture<SSLSocket> dialed = ahead.getAndSet(null);
        if (dialed == null) {
            return dialNow(deadline, timer);
        }
        try {
            SSLSocket socket = dialed.join();
            deadline.waitOn(socket);
            timer.step("tls");
            return socket;
        } catch (CompletionException e) {
            if (e.getCause() instanceof GatewayUnreachableException unreachable) {
                throw unreachable;
            }
            throw e.getCause() instanceof CliException cli ? cli : e;
        }
    }

    /** Closes a connection dialed ahead that no client took. */
    @Override
    public void close() {
        CompletableFuture<SSLSocket> dialed = ahead.getAndSet(null);
        if (dialed != null) {
            dialed.thenAccept(GatewayDialer::closeQuietly);
        }
    }

    private SSLSocket dialNow(SetupDeadline deadline, SetupTimer timer) throws GatewayUnreachableException {
        Socket tcp = new Socket();
        deadline.waitOn(tcp);
        try {
            tcp.setTcpNoDelay(true);
            tcp.connect(new InetSocketAddress(host, port));
            tcp.getOutputStream().write(PgWire.sslRequest());
            int answer = tcp.getInputStream().read();
            if (answer != 'S') {
                throw new IOException(answer == 'N' ? "it does not offer TLS" : "it did not answer the TLS request");
            }
            timer.step("tcp");
            SSLSocket socket = (SSLSocket) tls().getSocketFactory().createSocket(tcp, host, port, true);
            socket.startHandshake();
            requireNamed(socket);
            timer.step("tls");
            return socket;
        } catch (IOException e) {
            closeQuietly(tcp);
            throw new GatewayUnreachableException("Cannot reach the gateway at " + address() + ": "
                    + (deadline.expired() ? "no TLS connection within " + SetupDeadline.MILLIS / 1000 + " s" : describe(e)), e);
        }
    }

    /** The chain is verified in the handshake; whether it is this host's is checked here (see {@link GatewayIdentity}). */
    private void requireNamed(SSLSocket socket) throws IOException {
        if (!(socket.getSession().getPeerCertificates()[0] instanceof X509Certificate certificate)
                || !GatewayIdentity.names(certificate, host)) {
            throw new SSLPeerUnverifiedException("its certificate is not issued to " + host);
        }
    }

    static SSLContext trusting(Path caFile) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(caFile == null ? null : keyStoreOf(caFile));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new CliException(ExitCode.CONFIG, "Cannot use gateway.ca-file " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore keyStoreOf(Path caFile) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("gateway-ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new GeneralSecurityException("no certificate in the file");
            }
        }
        return store;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName().replace("Exception", "") + (message == null ? "" : " (" + message + ")");
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already failing; the original error is the one to report
        }
    }

    /** The gateway could not be reached or would not speak TLS with us. */
    public static final class GatewayUnreachableException extends Exception {
        GatewayUnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
