package io.nais.pg.cli.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * Copies bytes both ways until either side closes, then closes both: the
 * PostgreSQL protocol has no use for half-closed connections, and a TLS socket
 * cannot half-close anyway. One thread per direction; blocking writes give
 * backpressure for free.
 */
final class Relay {

    private static final int BUFFER = 32 * 1024;

    private Relay() {
    }

    static void run(Socket client, Socket gateway, String name) throws InterruptedException {
        Thread back = new Thread(() -> pump(gateway, client), name + "-from-gateway");
        back.setDaemon(true);
        back.start();
        pump(client, gateway);
        back.join();
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[BUFFER];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // A reset or a close by the other pump: either way this session is over.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing left to tell anyone
        }
    }
}
