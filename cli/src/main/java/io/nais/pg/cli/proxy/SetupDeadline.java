package io.nais.pg.cli.proxy;

import java.net.Socket;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds a connection's set-up (the client's startup, TCP and TLS to the gateway,
 * the login) by closing the socket it waits on when time is up, instead of a read
 * timeout on the socket: a JDK socket that once read with a timeout stays
 * non-blocking for good, and then every relayed read costs a read, a poll and
 * another read instead of one blocking read.
 */
final class SetupDeadline implements AutoCloseable {

    /** Bounds the client's startup, the TCP connect, the SSLRequest answer, TLS and the login; the relay has no timeout. */
    static final int MILLIS = 15_000;

    private static final ScheduledExecutorService CLOCK = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "nais-proxy-deadline");
        thread.setDaemon(true);
        return thread;
    });

    private final ScheduledFuture<?> expiry;
    private Socket waitingOn;
    private boolean expired;
    private boolean over;

    private SetupDeadline() {
        expiry = CLOCK.schedule(this::expire, MILLIS, TimeUnit.MILLISECONDS);
    }

    static SetupDeadline start() {
        return new SetupDeadline();
    }

    /** From now on the set-up waits on {@code socket}: the one closed when time is up. */
    synchronized void waitOn(Socket socket) {
        waitingOn = socket;
        if (expired) {
            Relay.closeQuietly(socket);
        }
    }

    synchronized boolean expired() {
        return expired;
    }

    /** The set-up is over (done or failed): nothing will be closed. */
    @Override
    public synchronized void close() {
        over = true;
        expiry.cancel(false);
    }

    private synchronized void expire() {
        if (over) {
            return;
        }
        expired = true;
        if (waitingOn != null) {
            Relay.closeQuietly(waitingOn);
        }
    }
}
