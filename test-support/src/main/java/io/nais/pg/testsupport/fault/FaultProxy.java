package io.nais.pg.testsupport.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP forwarder that puts a network between a client and a server on this machine, and can break it on
 * command:
 * <ul>
 *   <li>{@linkplain #start(String, int, Duration) latency}: every byte arrives a fixed time late in each
 *       direction (a cluster at another site, for a benchmark). Each direction of each connection has a reader
 *       that stamps what arrives and a writer that passes it on once its time has come, so the delay adds
 *       latency without limiting throughput;</li>
 *   <li>{@link #sever()}: every connection ends and new ones are refused, as when a peer's host goes away
 *       and the other side sees a reset: the server's backend notices at once;</li>
 *   <li>{@link #partition()}: connections stay open but no byte passes either way, and new ones are accepted
 *       and then hear nothing, as when a network path silently drops packets: neither side notices on its
 *       own (the server's backend of an open transaction keeps its locks until a timeout ends it);</li>
 *   <li>{@link #heal()}: bytes flow again (held bytes of a partition first, in order).</li>
 * </ul>
 */
public final class FaultProxy implements AutoCloseable {

    private static final byte[] END = new byte[0];

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final long delayNanos;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile boolean open = true;
    private volatile boolean severed;
    private boolean partitioned; // guarded by gate

    private FaultProxy(ServerSocket server, String targetHost, int targetPort, Duration oneWay) {
        this.server = server;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.delayNanos = oneWay.toNanos();
    }

    /** Listens on a free loopback port and forwards to {@code targetHost:targetPort} at once. */
    public static FaultProxy start(String targetHost, int targetPort) {
        return start(targetHost, targetPort, Duration.ZERO);
    }

    /** Listens on a free loopback port and forwards to {@code targetHost:targetPort}, {@code oneWay} late. */
    public static FaultProxy start(String targetHost, int targetPort, Duration oneWay) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            FaultProxy proxy = new FaultProxy(server, targetHost, targetPort, oneWay);
            daemon("fault-proxy-accept-" + server.getLocalPort(), proxy::acceptUntilClosed);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Ends every connection and refuses new ones until {@link #heal()}. */
    public void sever() {
        severed = true;
        closeConnections();
    }

    /** Holds every byte, of open and new connections, until {@link #heal()}. */
    public void partition() {
        synchronized (gate) {
            partitioned = true;
        }
    }

    /** Forwards again: new connections are made, held bytes pass. */
    public void heal() {
        severed = false;
        synchronized (gate) {
            partitioned = false;
            gate.notifyAll();
        }
    }

    private void acceptUntilClosed() {
        while (open) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                continue; // close() ends the loop; anything else, keep serving the others
            }
            if (severed) {
                closeQuietly(client); // the path is gone: the client sees its connection end at once
                continue;
            }
            sockets.add(client);
            try {
                Socket target = new Socket(targetHost, targetPort);
                sockets.add(target);
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                pipe(client, target);
                pipe(target, client);
            } catch (IOException unreachable) {
                closeQuietly(client); // as an unreachable server would: the client sees the connection end
            }
        }
    }

    /** One direction: a reader stamps chunks, a writer sends each once its delay has passed and the path is up. */
    private void pipe(Socket from, Socket to) throws IOException {
        BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        daemon("fault-proxy-read", () -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    chunks.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, read)));
                }
            } catch (IOException closed) {
                // the peer or close() ended the connection
            }
            chunks.add(new Chunk(System.nanoTime() + delayNanos, END));
        });
        daemon("fault-proxy-write", () -> {
            try {
                while (true) {
                    Chunk chunk = chunks.take();
                    long wait = chunk.due() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    awaitPathUp();
                    if (chunk.bytes() == END) {
                        to.shutdownOutput();
                        return;
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException closed) {
                // the peer, sever() or close() ended the connection
            }
        });
    }

    private void awaitPathUp() throws InterruptedException {
        synchronized (gate) {
            while (partitioned) {
                gate.wait();
            }
        }
    }

    private record Chunk(long due, byte[] bytes) {
    }

    private static void daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void closeConnections() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
            sockets.remove(socket);
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        heal(); // writers waiting on a partition end with their sockets
        closeConnections();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
