package io.nais.pg.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** Proves the key stores work with the JDK's TLS stack: the same path Netty and pgjdbc take. */
class MutualTlsHandshakeTest {

    static final CertificateAuthority CA = CertificateAuthority.create("nais test CA", Duration.ofDays(1));

    @Test
    void clientCertificateIsAcceptedByAServerThatTrustsTheCaAndTheHostnameVerifies() throws Exception {
        IssuedCertificate server = CA.issueServer("localhost", List.of("localhost", "127.0.0.1"), Duration.ofHours(1));
        IssuedCertificate client = CA.issueClient("ærlig+\"x\"@example.com", Duration.ofHours(1));

        String peer = handshake(server, client, CA);

        assertThat(peer).isEqualTo("CN=ærlig+\"x\"@example.com".replace("+", "\\+").replace("\"", "\\\""));
    }

    @Test
    void clientCertificateFromAnotherCaIsRejected() throws Exception {
        IssuedCertificate server = CA.issueServer("localhost", List.of("127.0.0.1"), Duration.ofHours(1));
        IssuedCertificate stranger = CertificateAuthority.create("other", Duration.ofDays(1))
                .issueClient("me@example.com", Duration.ofHours(1));

        assertThatThrownBy(() -> handshake(server, stranger, CA)).isInstanceOf(Exception.class);
    }

    private static String handshake(IssuedCertificate server, IssuedCertificate client, CertificateAuthority trusted) throws Exception {
        SSLContext serverContext = context(server, trusted);
        SSLContext clientContext = context(client, CA);
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            CompletableFuture<String> accepted = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.startHandshake();
                    String name = socket.getSession().getPeerPrincipal().getName();
                    socket.getOutputStream().write(1);
                    return name;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                assertThat(socket.getInputStream().read()).isEqualTo(1);
            }
            return accepted.get();
        }
    }

    private static SSLContext context(IssuedCertificate own, CertificateAuthority trusted) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(own.toKeyStore(), new char[0]);
        KeyStore trust = trusted.trustStore();
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }
}
