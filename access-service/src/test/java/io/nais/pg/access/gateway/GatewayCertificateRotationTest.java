package io.nais.pg.access.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The gateway mints client certificates from a short-lived intermediate (files, as cert-manager writes them),
 * under the root that the real cluster alone trusts ({@code ssl_ca_file} holds only the root). The cluster tells
 * which intermediate signed a session's certificate ({@code pg_stat_ssl.issuer_dn}); replacing the files changes
 * it for the next login, without a restart; an expired intermediate mints nothing and the client gets 08004.
 * The gateway's own server certificate is read again from its files the same way ({@code openssl s_client}).
 */
@QuarkusTest
@TestProfile(GatewayEnabledProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayCertificateRotationTest {

    private static Path dir;

    private static GatewayHarness h;
    private static Path clientCaDir;
    private static Path serverDir;
    private static GatewayServer gateway;

    @BeforeAll
    static void start() throws Exception {
        h = GatewayHarness.shared();
        dir = Files.createTempDirectory("gateway-rotation");
        clientCaDir = dir.resolve("gateway-ca");
        serverDir = dir.resolve("gateway-tls");
        install(intermediate("gateway client CA 1", Duration.ofHours(1)), clientCaDir);
        install(server("gateway server 1"), serverDir);
        // the files as cert-manager's Secrets mount them, named by the settings production sets
        gateway = h.startGateway(Map.of(
                "nais.access.gateway.ca.cert-file", clientCaDir.resolve("tls.crt").toString(),
                "nais.access.gateway.ca.key-file", clientCaDir.resolve("tls.key").toString(),
                "nais.access.gateway.tls.cert-file", serverDir.resolve("tls.crt").toString(),
                "nais.access.gateway.tls.key-file", serverDir.resolve("tls.key").toString(),
                // the cluster's server certificate is the root's, not the intermediate's
                "nais.access.gateway.backend.trusted-ca-file", GatewayEnabledProfile.CA_FILES.certificate().toString()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @Order(1)
    void aClusterTrustingOnlyTheRootAcceptsACertificateFromTheIntermediate() throws Exception {
        assertThat(issuerSeenByTheCluster()).isEqualTo("/CN=gateway client CA 1");
    }

    @Test
    @Order(2)
    void aRenewedIntermediateIsUsedFromTheNextLoginWithoutARestart() throws Exception {
        install(intermediate("gateway client CA 2", Duration.ofHours(1)), clientCaDir);

        assertThat(issuerSeenByTheCluster()).isEqualTo("/CN=gateway client CA 2");
    }

    @Test
    @Order(3)
    void anExpiredIntermediateMintsNothingAndTheClientGets08004() throws Exception {
        Instant now = Instant.now();
        install(h.ca.issueIntermediate("gateway client CA expired", now.minus(Duration.ofDays(2)),
                now.minus(Duration.ofDays(1))).keyAndCertificate(), clientCaDir);

        assertThatThrownBy(this::issuerSeenByTheCluster).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo("08004"));

        install(intermediate("gateway client CA 3", Duration.ofHours(1)), clientCaDir);
        assertThat(issuerSeenByTheCluster()).as("renewed again: logins resume").isEqualTo("/CN=gateway client CA 3");
    }

    @Test
    @Order(4)
    void aRenewedServerCertificateIsShownToTheNextClient() throws Exception {
        assertThat(serverSubject()).contains("gateway server 1");

        install(server("gateway server 2"), serverDir);

        assertThat(serverSubject()).contains("gateway server 2");
    }

    /** Logs ALICE in through the gateway with pgjdbc and asks the cluster who issued her session's certificate. */
    private String issuerSeenByTheCluster() throws SQLException {
        try (Connection connection = h.connectVia(gateway.port(), GatewayHarness.ALICE, h.tokens.valid(GatewayHarness.ALICE));
             ResultSet rs = connection.createStatement().executeQuery(
                     "SELECT issuer_dn FROM pg_catalog.pg_stat_ssl WHERE pid = pg_catalog.pg_backend_pid()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The subject of the certificate the gateway shows, as a real TLS client (openssl, STARTTLS for PostgreSQL) sees it. */
    private static String serverSubject() throws Exception {
        Process openssl = new ProcessBuilder("openssl", "s_client", "-starttls", "postgres", "-connect",
                "127.0.0.1:" + gateway.port(), "-servername", "localhost").redirectErrorStream(true).start();
        openssl.getOutputStream().close();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return output.lines().filter(line -> line.startsWith("subject=")).findFirst()
                .orElseThrow(() -> new AssertionError("no certificate in: " + output));
    }

    private static IssuedCertificate intermediate(String name, Duration validity) {
        Instant now = Instant.now();
        return h.ca.issueIntermediate(name, now.minus(Duration.ofMinutes(1)), now.plus(validity)).keyAndCertificate();
    }

    private static IssuedCertificate server(String name) {
        return h.ca.issueServer(name, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
    }

    /** As the kubelet updates a mounted Secret: the new files written aside, then renamed into place. */
    private static void install(IssuedCertificate pair, Path live) throws Exception {
        Path staging = Files.createTempDirectory(dir, "staging");
        pair.writePem(staging);
        Files.createDirectories(live);
        for (String name : List.of("tls.crt", "tls.key")) {
            Files.move(staging.resolve(name), live.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
