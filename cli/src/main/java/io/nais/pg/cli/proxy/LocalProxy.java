package io.nais.pg.cli.proxy;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.ExitCode;
import io.nais.pg.cli.auth.AccessTokens;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local listener: accepts client connections, one {@link ProxiedConnection}
 * (a thread pair) each, up to an explicit limit; past it a client gets SQLSTATE
 * 53300 at once rather than a hang. {@link #stop} stops accepting, lets open
 * sessions finish for the drain time, then closes what is left.
 */
public final class LocalProxy implements AutoCloseable {

    private final Route route;
    private final AccessTokens tokens;
    private final GatewayDialer dialer;
    private final int maxConnections;
    private final Semaphore permits;
    private final ProxyLog log;
    private final Set<ProxiedConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ServerSocket server;
    private Thread acceptor;

    public LocalProxy(Route route, AccessTokens tokens, GatewayDialer dialer, int maxConnections, ProxyLog log) {
        this.route = route;
        this.tokens = tokens;
        this.dialer = dialer;
        this.maxConnections = maxConnections;
        this.permits = new Semaphore(maxConnections);
        this.log = log;
    }

    /** Binds the port and starts accepting; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress start(String host, int port) {
        server = bind(host, port);
        acceptor = new Thread(this::acceptLoop, "nais-proxy-accept");
        acceptor.start();
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    public int openConnections() {
        return open.size();
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Stops accepting, waits up to {@code drain} for open sessions to end, then ends the rest. */
    public void stop(Duration drain) {
        closeServer();
        long deadline = System.nanoTime() + drain.toNanos();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            sleep(50);
        }
        open.forEach(ProxiedConnection::close);
        try {
            if (acceptor != null) {
                acceptor.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped.countDown();
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private static ServerSocket bind(String host, int port) {
        try {
            ServerSocket socket = new ServerSocket();
            // No SO_REUSEADDR: a port another proxy or a local PostgreSQL holds must fail loudly.
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 128);
            return socket;
        } catch (BindException e) {
            throw new CliException(ExitCode.PORT_IN_USE, "Port " + port + " on " + host + " is already in use"
                    + " (a local PostgreSQL or another proxy?). Pick another with --port, or --port 0 for a free one.", e);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "Cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                admit(client);
            } catch (SocketException e) {
                return; // the server socket was closed by stop()
            } catch (IOException e) {
                log.problem("accept failed: " + e.getMessage());
            }
        }
    }

    private void admit(Socket client) {
        if (!permits.tryAcquire()) {
            refuseOverLimit(client);
            return;
        }
        ProxiedConnection connection = new ProxiedConnection(ids.incrementAndGet(), client, route, tokens, dialer, log);
        open.add(connection);
        Thread thread = new Thread(() -> {
            try {
                connection.run();
            } finally {
                open.remove(connection);
                permits.release();
            }
        }, "nais-proxy-" + ids.get());
        thread.setDaemon(true);
        thread.start();
    }

    private void refuseOverLimit(Socket client) {
        log.problem("refused a connection: the limit of " + maxConnections + " open connections is reached");
        // Answered on its own thread so a client that never sends a startup cannot stall the accept loop.
        Thread thread = new Thread(() -> {
            try (client) {
                client.setSoTimeout(SetupDeadline.MILLIS);
                ClientHandshake.read(client.getInputStream(), client.getOutputStream());
                client.getOutputStream().write(PgWire.fatal(ProxiedConnection.TOO_MANY_CONNECTIONS,
                        "nais proxy: too many connections (limit " + maxConnections + "; see --max-connections)"));
            } catch (IOException | RuntimeException e) {
                // the client left first
            }
        }, "nais-proxy-refuse");
        thread.setDaemon(true);
        thread.start();
    }

    private void closeServer() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
