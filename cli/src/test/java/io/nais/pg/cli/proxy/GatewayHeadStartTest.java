package io.nais.pg.cli.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.cli.Environment;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.pki.Pem;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nais postgres psql}'s head start: the gateway dialed from the configuration before the
 * command line is parsed is the connection the command then uses; nothing is dialed twice. The
 * gateway is a real TLS server on loopback that answers the SSLRequest as the gateway does and
 * counts the connections it answers (it answers 'S' after counting, so a dial that returned
 * has been counted).
 */
class GatewayHeadStartTest {

    @TempDir
    Path directory;

    private final AtomicInteger answered = new AtomicInteger();
    private ServerSocket gateway;
    private Thread answering;

    @BeforeEach
    void startGateway() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("head-start-ca", Duration.ofHours(1));
        IssuedCertificate server = ca.issueServer("127.0.0.1", List.of("127.0.0.1"), Duration.ofHours(1));
        Pem.writeCertificates(directory.resolve("ca.crt"), List.of(ca.certificate()));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(server.toKeyStore(), new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        gateway = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        answering = new Thread(() -> answer(tls), "head-start-gateway");
        answering.start();
    }

    @AfterEach
    void stopGateway() throws Exception {
        gateway.close();
        answering.join();
    }

    @Test
    void theCommandTakesOverTheConnectionDialedBeforeItsCommandLineWasParsed() throws Exception {
        CliConfig config = config(gateway.getLocalPort());
        GatewayDialer.headStart(config);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() == 1);

        try (GatewayDialer dialer = GatewayDialer.fromConfig(config, route(config)).dialAhead();
             SetupDeadline deadline = SetupDeadline.start();
             SSLSocket socket = dialer.dial(deadline, SetupTimer.start())) {
            assertThat(socket.getSession().isValid()).isTrue();
            assertThat(answered).as("connections the gateway answered").hasValue(1);
        }
    }

    @Test
    void aCommandForAnotherGatewayDialsItsOwnAndTheHeadStartIsDropped() throws Exception {
        try (ServerSocket elsewhere = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            GatewayDialer.headStart(config(elsewhere.getLocalPort())); // never answered: a gateway the command does not use
            CliConfig config = config(gateway.getLocalPort());

            try (GatewayDialer dialer = GatewayDialer.fromConfig(config, route(config));
                 SetupDeadline deadline = SetupDeadline.start();
                 SSLSocket socket = dialer.dial(deadline, SetupTimer.start())) {
                assertThat(socket.getPort()).isEqualTo(gateway.getLocalPort());
                assertThat(answered).hasValue(1);
            }
        }
    }

    private CliConfig config(int port) {
        return CliConfig.load(new Environment(Map.of("NAIS_CONFIG_DIR", directory.toString(), "NAIS_GATEWAY_HOST", "127.0.0.1",
                "NAIS_GATEWAY_PORT", Integer.toString(port), "NAIS_GATEWAY_CA_FILE", directory.resolve("ca.crt").toString(),
                "NAIS_TEAM", "team-a"), directory));
    }

    private static Route route(CliConfig config) {
        return Route.resolve(config, "demo-app", null);
    }

    /** Each connection: count it, answer the SSLRequest with 'S', complete the server half of TLS, hold it open until the client leaves. */
    private void answer(SSLContext tls) {
        while (!gateway.isClosed()) {
            try {
                Socket tcp = gateway.accept();
                answered.incrementAndGet();
                tcp.getInputStream().readNBytes(8);
                tcp.getOutputStream().write('S');
                SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(tcp, null, true);
                socket.setUseClientMode(false);
                Thread session = new Thread(() -> {
                    try (socket) {
                        socket.startHandshake();
                        socket.getInputStream().read();
                    } catch (IOException e) {
                        // the client left
                    }
                });
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                // closed: the test is over
            }
        }
    }
}
