package io.nais.pg.testsupport.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;

class FaultProxyTest {

    @Test
    void everyByteArrivesIntactAndEachRoundTripTakesTwiceTheDelay() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             FaultProxy proxy = FaultProxy.start("127.0.0.1", echo.getLocalPort(), Duration.ofMillis(40))) {
            Thread server = echoing(echo, 1);
            byte[] sent = new byte[300_000]; // several chunks, both ways
            new Random(7).nextBytes(sent);
            byte[] received = new byte[sent.length];
            try (Socket client = new Socket("127.0.0.1", proxy.port())) {
                long start = System.nanoTime();
                client.getOutputStream().write(sent, 0, 1);
                new DataInputStream(client.getInputStream()).readFully(received, 0, 1);
                Duration roundTrip = Duration.ofNanos(System.nanoTime() - start);

                client.getOutputStream().write(sent, 1, sent.length - 1);
                new DataInputStream(client.getInputStream()).readFully(received, 1, sent.length - 1);

                assertThat(roundTrip).isGreaterThanOrEqualTo(Duration.ofMillis(80));
                assertThat(received).isEqualTo(sent);
            }
            server.join(5_000);
        }
    }

    @Test
    void severedPathEndsOpenConnectionsAndRefusesNewOnesUntilHealed() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             FaultProxy proxy = FaultProxy.start("127.0.0.1", echo.getLocalPort())) {
            echoing(echo, 2);
            Socket before = new Socket("127.0.0.1", proxy.port());
            assertThat(roundTrip(before, 1)).isEqualTo(1);

            proxy.sever();

            assertThat(before.getInputStream().read()).as("the open connection ended").isEqualTo(-1);
            try (Socket during = new Socket("127.0.0.1", proxy.port())) {
                during.setSoTimeout(5_000);
                assertThat(readOrEnd(during)).as("a new connection ends at once").isEqualTo(-1);
            }

            proxy.heal();

            try (Socket after = new Socket("127.0.0.1", proxy.port())) {
                assertThat(roundTrip(after, 2)).isEqualTo(2);
            }
        }
    }

    @Test
    void partitionHoldsEveryByteWithoutEndingConnectionsAndHealDeliversThem() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             FaultProxy proxy = FaultProxy.start("127.0.0.1", echo.getLocalPort())) {
            echoing(echo, 1);
            try (Socket client = new Socket("127.0.0.1", proxy.port())) {
                assertThat(roundTrip(client, 1)).isEqualTo(1);

                proxy.partition();

                client.getOutputStream().write(2);
                client.setSoTimeout(300);
                // a timeout, not an end: the connection is open and silent (the bound makes the test finish)
                assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

                proxy.heal();

                client.setSoTimeout(5_000);
                assertThat(client.getInputStream().read()).as("the held byte, echoed after the heal").isEqualTo(2);
            }
        }
    }

    private static int roundTrip(Socket socket, int value) throws IOException {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(value);
        return socket.getInputStream().read();
    }

    private static int readOrEnd(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read();
        } catch (IOException reset) {
            return -1;
        }
    }

    /** Echoes {@code connections} connections, one after the other. */
    private static Thread echoing(ServerSocket echo, int connections) {
        Thread server = new Thread(() -> {
            for (int i = 0; i < connections; i++) {
                try (Socket peer = echo.accept(); InputStream in = peer.getInputStream();
                     OutputStream out = peer.getOutputStream()) {
                    byte[] buffer = new byte[64 * 1024];
                    int read;
                    while ((read = in.read(buffer)) >= 0) {
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                } catch (IOException ended) {
                    // the proxy severed it
                }
            }
        });
        server.setDaemon(true);
        server.start();
        return server;
    }
}
