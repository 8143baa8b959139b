package io.nais.pg.bench.access;

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
 * A TCP forwarder that delays every byte by a fixed time in each direction: a server on this machine as
 * if it were a network away (a cluster at another site, for a benchmark). Each direction of each
 * connection has a reader that stamps what arrives and a writer that passes it on once its time has come,
 * so the delay adds latency without limiting throughput.
 */
public final class LatencyProxy implements AutoCloseable {

    private static final byte[] END = new byte[0];

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final long delayNanos;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;

    private LatencyProxy(ServerSocket server, String targetHost, int targetPort, Duration oneWay) {
        this.server = server;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.delayNanos = oneWay.toNanos();
    }

    /** Listens on a free loopback port and forwards to {@code targetHost:targetPort}, {@code oneWay} late. */
    public static LatencyProxy start(String targetHost, int targetPort, Duration oneWay) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            LatencyProxy proxy = new LatencyProxy(server, targetHost, targetPort, oneWay);
            daemon("latency-proxy-accept-" + server.getLocalPort(), proxy::acceptUntilClosed);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptUntilClosed() {
        while (open) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                continue; // close() ends the loop; anything else, keep serving the others
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

    /** One direction: a reader stamps chunks, a writer sends each once its delay has passed. */
    private void pipe(Socket from, Socket to) throws IOException {
        BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        daemon("latency-proxy-read", () -> {
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
        daemon("latency-proxy-write", () -> {
            try {
                while (true) {
                    Chunk chunk = chunks.take();
                    long wait = chunk.due() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (chunk.bytes() == END) {
                        to.shutdownOutput();
                        return;
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException closed) {
                // the peer or close() ended the connection
            }
        });
    }

    private record Chunk(long due, byte[] bytes) {
    }

    private static void daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        open = false;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(LatencyProxy::closeQuietly);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
