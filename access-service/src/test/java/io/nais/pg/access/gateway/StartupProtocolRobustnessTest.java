package io.nais.pg.access.gateway;

import static io.nais.pg.access.gateway.GatewayHarness.ALICE;
import static io.nais.pg.access.gateway.GatewayHarness.CLUSTER_ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What no real driver sends: the gateway answers with an ErrorResponse
 * (08P01/28000) or closes, never hangs or crashes, and serves a real login after.
 */
@QuarkusTest
@TestProfile(GatewayEnabledProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class StartupProtocolRobustnessTest {

    private static GatewayHarness h;
    private static KeyStore trusted;

    /**
     * The service's configuration with a short startup timeout, so the tests that wait for it wait 2 s, not the
     * production 10 s.
     */
    private static GatewayServer gateway;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        h = GatewayHarness.shared();
        gateway = h.startGateway(Map.of("nais.access.gateway.limits.startup-timeout", "2s"));
        port = gateway.port();
        trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", h.ca.certificate());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @AfterEach
    void gatewayStillServesAGoodLogin() throws Exception {
        try (Connection c = h.connectVia(port, ALICE, h.tokens.valid(ALICE));
             ResultSet rs = c.createStatement().executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        }
    }

    @Test
    void plaintextStartupMessageGetsTlsRequired() throws Exception {
        try (RawClient client = new RawClient(port)) {
            client.send(RawClient.startup(Map.of("user", ALICE, "database", CLUSTER_ID)));
            RawClient.Message error = client.read();
            assertThat(error.type()).isEqualTo('E');
            assertThat(error.fields().get('C')).isEqualTo("28000");
            assertThat(error.fields().get('M')).startsWith("TLS is required");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void gssEncRequestIsDeclinedAndTlsStillWorks() throws Exception {
        try (RawClient client = new RawClient(port)) {
            client.send(RawClient.packet(RawClient.GSSENC_REQUEST, new byte[0]));
            assertThat(client.readByte()).isEqualTo('N');
            client.startTls(trusted);
            client.send(RawClient.startup(Map.of("user", ALICE, "database", CLUSTER_ID)));
            RawClient.Message auth = client.read();
            assertThat(auth.type()).isEqualTo('R');
            assertThat(ByteBuffer.wrap(auth.body()).getInt()).as("AuthenticationCleartextPassword").isEqualTo(3);
        }
    }

    @Test
    void oversizedStartupPacketIsRefusedBeforeItIsRead() throws Exception {
        try (RawClient client = new RawClient(port)) {
            client.send(ByteBuffer.allocate(8).putInt(1_000_000).putInt(RawClient.PROTOCOL_3_0).array());
            assertThat(client.errorSqlState()).isEqualTo("08P01");
        }
    }

    @Test
    void impossiblyShortLengthIsRefused() throws Exception {
        try (RawClient client = new RawClient(port)) {
            client.send(ByteBuffer.allocate(8).putInt(4).putInt(RawClient.PROTOCOL_3_0).array());
            assertThat(client.errorSqlState()).isEqualTo("08P01");
        }
    }

    @Test
    void unterminatedStartupParametersAreRefusedAfterTls() throws Exception {
        try (RawClient client = new RawClient(port)) {
            client.startTls(trusted);
            client.send(RawClient.packet(RawClient.PROTOCOL_3_0, "user\0alice".getBytes()));
            assertThat(client.errorSqlState()).isEqualTo("08P01");
        }
    }

    @Test
    void unsupportedProtocolVersionIsRefused() throws Exception {
        try (RawClient client = new RawClient(port)) {
            client.startTls(trusted);
            client.send(RawClient.packet(2 << 16, "user\0a\0\0".getBytes()));
            assertThat(client.errorSqlState()).isEqualTo("08P01");
        }
    }

    @Test
    void oversizedPasswordMessageIsRefused() throws Exception {
        try (RawClient client = new RawClient(port)) {
            client.startTls(trusted);
            client.send(RawClient.startup(Map.of("user", ALICE, "database", CLUSTER_ID)));
            assertThat(client.read().type()).isEqualTo('R');
            client.send(ByteBuffer.allocate(5).put((byte) 'p').putInt(10_000_000).array());
            assertThat(client.errorSqlState()).isEqualTo("08P01");
        }
    }

    @Test
    void truncatedStartupPacketIsDroppedAtTheStartupTimeout() throws Exception {
        try (RawClient client = new RawClient(port)) {
            client.send(ByteBuffer.allocate(12).putInt(100).putInt(RawClient.PROTOCOL_3_0).putInt(0).array());
            client.timeout(6000);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void slowClientThatNeverFinishesLoginIsDisconnected() throws Exception {
        try (RawClient silent = new RawClient(port); RawClient afterTls = new RawClient(port)) {
            afterTls.startTls(trusted);
            silent.timeout(6000);
            afterTls.timeout(6000);
            assertThat(silent.closedByServer()).isTrue();
            assertThat(afterTls.closedByServer()).isTrue();
        }
    }

    @Test
    void unknownCancelKeyIsDroppedSilently() throws Exception {
        try (RawClient client = new RawClient(port)) {
            client.send(RawClient.packet(80877102, ByteBuffer.allocate(8).putInt(12345).putInt(67890).array()));
            assertThat(client.readByte()).as("no answer, just close").isEqualTo(-1);
        }
    }

    /**
     * Random bytes, plaintext or inside TLS. The header alone says what the gateway must do:
     * fewer than 8 bytes, or a plausible length with the packet not complete yet, and it waits
     * for more (saying nothing) until the startup timeout drops the connection; an impossible
     * length, and it refuses with 08P01 and closes; a complete packet, and it refuses it (this
     * seed yields no valid startup) and closes. Every connection is accounted for.
     */
    @Test
    void randomBytesAreRefusedWith08P01OrAwaitMoreUntilTheStartupTimeout() throws Exception {
        Random random = new Random(42);
        List<RawClient> awaitingMore = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                RawClient client = new RawClient(port);
                boolean tls = random.nextBoolean();
                if (tls) {
                    client.startTls(trusted);
                }
                client.timeout(300);
                byte[] noise = new byte[1 + random.nextInt(random.nextBoolean() ? 16 : 4096)];
                random.nextBytes(noise);
                if (noise.length >= 8 && random.nextInt(4) == 0) {
                    // a plausible length and version, then noise: exercises the parameter parser
                    ByteBuffer.wrap(noise).putInt(0, Math.min(noise.length, 9999)).putInt(4, RawClient.PROTOCOL_3_0);
                }
                Expected expected = Expected.of(noise);
                sendExpectingAClose(client, noise, expected);
                Observed observed = Observed.of(client);
                String what = "packet " + i + " (" + noise.length + " bytes, " + (tls ? "TLS" : "plaintext") + ", "
                        + expected + "): " + observed;
                if (expected == Expected.AWAITS_MORE) {
                    assertThat(observed.closed()).as(what).isFalse();
                    assertThat(observed.messages()).as(what).isEmpty();
                    awaitingMore.add(client);
                    continue;
                }
                client.close();
                assertThat(observed.closed()).as(what).isTrue();
                assertThat(observed.messages()).as(what).allSatisfy(m -> assertThat(m.type()).isEqualTo('E'));
                if (expected == Expected.REFUSED) {
                    assertThat(observed.sqlStates()).as(what).allMatch("08P01"::equals);
                    if (noise.length <= 16) {
                        // one small segment, read whole before the refusal: the ErrorResponse cannot be lost to a reset
                        assertThat(observed.sqlStates()).as(what).containsExactly("08P01");
                    }
                } else {
                    assertThat(observed.sqlStates()).as(what).isSubsetOf("08P01", "28000", "3D000");
                }
            }
            assertThat(awaitingMore).as("the seed exercises the waiting path").isNotEmpty();
            for (RawClient waiting : awaitingMore) {
                waiting.timeout(30_000); // this gateway's startup timeout is 2 s
                Observed dropped = Observed.of(waiting);
                assertThat(dropped.closed()).as("dropped at the startup timeout").isTrue();
                assertThat(dropped.messages()).isEmpty();
            }
        } finally {
            for (RawClient waiting : awaitingMore) {
                waiting.close();
            }
        }
    }

    /** What the header of a packet obliges the gateway to do. */
    private enum Expected {
        AWAITS_MORE, REFUSED, COMPLETE_PACKET;

        /** The configured limit (nais.access.gateway.limits.max-startup-packet), PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
        private static final int MAX_STARTUP_PACKET = 10_000;

        static Expected of(byte[] packet) {
            if (packet.length < 8) {
                return AWAITS_MORE;
            }
            int length = ByteBuffer.wrap(packet).getInt();
            if (length < 8 || length > MAX_STARTUP_PACKET) {
                return REFUSED;
            }
            return length > packet.length ? AWAITS_MORE : COMPLETE_PACKET;
        }
    }

    /** A gateway that refuses on the header may close before a long packet is written: that write fails, nothing else may. */
    private static void sendExpectingAClose(RawClient client, byte[] noise, Expected expected) throws IOException {
        try {
            client.send(noise);
        } catch (IOException closedWhileWriting) {
            if (expected == Expected.AWAITS_MORE) {
                throw closedWhileWriting;
            }
        }
    }

    /** The messages the gateway sent, and whether it closed (EOF or reset) before the read timed out. */
    private record Observed(List<RawClient.Message> messages, boolean closed) {

        static Observed of(RawClient client) {
            List<RawClient.Message> messages = new ArrayList<>();
            while (true) {
                try {
                    messages.add(client.read());
                } catch (SocketTimeoutException stillOpen) {
                    return new Observed(messages, false);
                } catch (IOException endOfStreamOrReset) {
                    return new Observed(messages, true);
                }
            }
        }

        List<String> sqlStates() {
            return messages.stream().map(m -> m.fields().get('C')).toList();
        }

        @Override
        public String toString() {
            return (closed ? "closed" : "open") + " after " + messages.stream().map(m -> m.type() + "" + m.fields()).toList();
        }
    }
}
