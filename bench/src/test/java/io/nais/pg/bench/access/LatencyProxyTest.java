package io.nais.pg.bench.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;

class LatencyProxyTest {

    @Test
    void everyByteArrivesIntactAndEachRoundTripTakesTwiceTheDelay() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             LatencyProxy proxy = LatencyProxy.start("127.0.0.1", echo.getLocalPort(), Duration.ofMillis(40))) {
            Thread server = new Thread(() -> echoOnce(echo));
            server.start();
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

    private static void echoOnce(ServerSocket echo) {
        try (Socket peer = echo.accept(); InputStream in = peer.getInputStream();
             OutputStream out = peer.getOutputStream()) {
            in.transferTo(out);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
