package io.nais.pg.access.gateway;

import static io.nais.pg.access.gateway.GatewayHarness.ALICE;
import static io.nais.pg.access.gateway.GatewayHarness.CLUSTER_ID;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What no real driver sends: the gateway answers with an ErrorResponse
 * (08P01/28000) or closes, never hangs or crashes, and serves a real login after.
 */
class StartupProtocolRobustnessTest {

    private static GatewayHarness h;
    private static KeyStore trusted;

    @BeforeAll
    static void start() throws Exception {
        h = GatewayHarness.shared();
        trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", h.ca.certificate());
    }

    @AfterEach
    void gatewayStillServesAGoodLogin() throws Exception {
        try (Connection c = h.connect(ALICE, h.tokens.valid(ALICE));
             ResultSet rs = c.createStatement().executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        }
    }

    @Test
    void plaintextStartupMessageGetsTlsRequired() throws Exception {
        try (RawClient client = new RawClient(h.port)) {
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
        try (RawClient client = new RawClient(h.port)) {
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
        try (RawClient client = new RawClient(h.port)) {
            client.send(ByteBuffer.allocate(8).putInt(1_000_000).putInt(RawClient.PROTOCOL_3_0).array());
            assertThat(client.errorSqlState()).isEqualTo("08P01");
        }
    }

    @Test
    void impossiblyShortLengthIsRefused() throws Exception {
        try (RawClient client = new RawClient(h.port)) {
            client.send(ByteBuffer.allocate(8).putInt(4).putInt(RawClient.PROTOCOL_3_0).array());
            assertThat(client.errorSqlState()).isEqualTo("08P01");
        }
    }

    @Test
    void unterminatedStartupParametersAreRefusedAfterTls() throws Exception {
        try (RawClient client = new RawClient(h.port)) {
            client.startTls(trusted);
            client.send(RawClient.packet(RawClient.PROTOCOL_3_0, "user\0alice".getBytes()));
            assertThat(client.errorSqlState()).isEqualTo("08P01");
        }
    }

    @Test
    void unsupportedProtocolVersionIsRefused() throws Exception {
        try (RawClient client = new RawClient(h.port)) {
            client.startTls(trusted);
            client.send(RawClient.packet(2 << 16, "user\0a\0\0".getBytes()));
            assertThat(client.errorSqlState()).isEqualTo("08P01");
        }
    }

    @Test
    void oversizedPasswordMessageIsRefused() throws Exception {
        try (RawClient client = new RawClient(h.port)) {
            client.startTls(trusted);
            client.send(RawClient.startup(Map.of("user", ALICE, "database", CLUSTER_ID)));
            assertThat(client.read().type()).isEqualTo('R');
            client.send(ByteBuffer.allocate(5).put((byte) 'p').putInt(10_000_000).array());
            assertThat(client.errorSqlState()).isEqualTo("08P01");
        }
    }

    @Test
    void truncatedStartupPacketIsDroppedAtTheStartupTimeout() throws Exception {
        try (RawClient client = new RawClient(h.port)) {
            client.send(ByteBuffer.allocate(12).putInt(100).putInt(RawClient.PROTOCOL_3_0).putInt(0).array());
            client.timeout(6000);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void slowClientThatNeverFinishesLoginIsDisconnected() throws Exception {
        try (RawClient silent = new RawClient(h.port); RawClient afterTls = new RawClient(h.port)) {
            afterTls.startTls(trusted);
            silent.timeout(6000);
            afterTls.timeout(6000);
            assertThat(silent.closedByServer()).isTrue();
            assertThat(afterTls.closedByServer()).isTrue();
        }
    }

    @Test
    void unknownCancelKeyIsDroppedSilently() throws Exception {
        try (RawClient client = new RawClient(h.port)) {
            client.send(RawClient.packet(80877102, ByteBuffer.allocate(8).putInt(12345).putInt(67890).array()));
            assertThat(client.readByte()).as("no answer, just close").isEqualTo(-1);
        }
    }

    @Test
    void randomBytesNeverCrashTheGateway() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            try (RawClient client = new RawClient(h.port)) {
                client.timeout(300);
                if (random.nextBoolean()) {
                    client.startTls(trusted);
                }
                byte[] noise = new byte[1 + random.nextInt(random.nextBoolean() ? 16 : 4096)];
                random.nextBytes(noise);
                if (noise.length >= 8 && random.nextInt(4) == 0) {
                    // a plausible length and version, then noise: exercises the parameter parser
                    ByteBuffer.wrap(noise).putInt(0, Math.min(noise.length, 9999)).putInt(4, RawClient.PROTOCOL_3_0);
                }
                client.send(noise);
                client.closedByServer(); // either an ErrorResponse and close, or waiting for more bytes
            } catch (java.io.IOException resetOrTimeout) {
                // the gateway may close before the client finished writing; all that matters is it lives
            }
        }
    }
}
