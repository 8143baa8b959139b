package io.nais.pg.cli.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.cli.Environment;
import io.nais.pg.cli.auth.AccessTokens;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.testing.TestTokens;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.pki.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI sends a token only to a gateway whose certificate names the host it dialed
 * ({@link GatewayIdentity}): the rules, and the attack, a certificate the trusted CA issued
 * for another name, with a real TLS server, a real proxy and pgjdbc as the client.
 */
class GatewayIdentityTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("identity-test-ca", Duration.ofHours(1));

    @TempDir
    Path directory;

    @Test
    void aHostNameMatchesItsDnsEntryWithoutRegardToCaseOrTheRootsDot() {
        X509Certificate certificate = issuedFor("gateway.example.com");

        assertThat(GatewayIdentity.names(certificate, "gateway.example.com")).isTrue();
        assertThat(GatewayIdentity.names(certificate, "Gateway.EXAMPLE.com.")).isTrue();
        assertThat(GatewayIdentity.names(certificate, "gateway.example.org")).isFalse();
        assertThat(GatewayIdentity.names(certificate, "evil-gateway.example.com")).isFalse();
    }

    @Test
    void aWildcardStandsForTheWholeLeftmostLabelAndNothingElse() {
        X509Certificate certificate = issuedFor("*.pg.example.com");

        assertThat(GatewayIdentity.names(certificate, "eu.pg.example.com")).isTrue();
        assertThat(GatewayIdentity.names(certificate, "pg.example.com")).isFalse();
        assertThat(GatewayIdentity.names(certificate, "a.eu.pg.example.com")).isFalse();
        assertThat(GatewayIdentity.names(issuedFor("*.com"), "example.com")).as("a wildcard over a top-level domain").isFalse();
    }

    @Test
    void anIpLiteralMatchesOnlyAnIpAddressEntry() {
        assertThat(GatewayIdentity.names(issuedFor("127.0.0.1"), "127.0.0.1")).isTrue();
        assertThat(GatewayIdentity.names(issuedFor("::1"), "0:0:0:0:0:0:0:1")).isTrue();
        assertThat(GatewayIdentity.names(issuedFor("127.0.0.1"), "127.0.0.2")).isFalse();
        assertThat(GatewayIdentity.names(issuedFor("localhost"), "127.0.0.1")).isFalse();
    }

    @Test
    void theSubjectCommonNameNamesNoHost() {
        X509Certificate certificate = CA.issueServer("gateway.example.com", List.of("other.example.com"), Duration.ofHours(1)).certificate();

        assertThat(GatewayIdentity.names(certificate, "gateway.example.com")).isFalse();
    }

    @Test
    void aGatewayWhoseCertificateTheTrustedCaIssuedForAnotherNameIsNotSentTheToken() throws Exception {
        IssuedCertificate elsewhere = CA.issueServer("gateway.example.com", List.of("gateway.example.com"), Duration.ofHours(1));
        try (ServerSocket impostor = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> bytesAfterHandshake = CompletableFuture.supplyAsync(() -> answerAndCount(impostor, elsewhere));
            try (LocalProxy proxy = new LocalProxy(new Route("team-a", "demo-app", "127.0.0.1", impostor.getLocalPort()),
                    tokens(), new GatewayDialer("127.0.0.1", impostor.getLocalPort(),
                    GatewayDialer.trusting(caFile())), 8, ProxyLog.quiet())) {
                InetSocketAddress address = proxy.start("127.0.0.1", 0);

                assertThatThrownBy(() -> ProxyProtocolTest.jdbc(address)).isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08001");
                    assertThat(e.getMessage()).contains("Cannot reach the gateway").contains("not issued to 127.0.0.1");
                });
            }
            assertThat(bytesAfterHandshake.get(30, TimeUnit.SECONDS)).as("bytes the impostor got after TLS (startup, token)").isZero();
        }
    }

    private static X509Certificate issuedFor(String name) {
        return CA.issueServer("gateway", List.of(name), Duration.ofHours(1)).certificate();
    }

    private Path caFile() throws IOException {
        Path file = directory.resolve("ca.crt");
        Pem.writeCertificates(file, List.of(CA.certificate()));
        return file;
    }

    private AccessTokens tokens() {
        Environment environment = new Environment(Map.of("NAIS_TOKEN", TestTokens.accessToken("ada@example.com", Duration.ofHours(1)),
                "NAIS_CONFIG_DIR", directory.resolve("config").toString()), directory);
        return new AccessTokens(CliConfig.load(environment), environment);
    }

    /** Answers the SSLRequest and the server half of TLS as the gateway would, then counts what the client sends until it leaves. */
    private static int answerAndCount(ServerSocket server, IssuedCertificate key) {
        try (Socket tcp = server.accept()) {
            tcp.getInputStream().readNBytes(8);
            tcp.getOutputStream().write('S');
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(key.toKeyStore(), new char[0]);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), null, null);
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(tcp, null, true)) {
                socket.setUseClientMode(false);
                socket.startHandshake();
                return count(socket.getInputStream());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int count(InputStream in) {
        int bytes = 0;
        try {
            while (in.read() >= 0) {
                bytes++;
            }
        } catch (IOException e) {
            // the client hung up
        }
        return bytes;
    }
}
