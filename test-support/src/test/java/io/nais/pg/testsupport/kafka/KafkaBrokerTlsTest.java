package io.nais.pg.testsupport.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.testsupport.process.FreePorts;
import io.nais.pg.testsupport.process.TempDirs;
import io.nais.pg.testsupport.tls.Pkcs12;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The TLS listener verifies clients as Strimzi's does: a certificate from the clients CA, or no session. */
class KafkaBrokerTlsTest {

    private static final CertificateAuthority CLUSTER_CA = CertificateAuthority.create("cluster CA", Duration.ofHours(1));
    private static final CertificateAuthority CLIENTS_CA = CertificateAuthority.create("clients CA", Duration.ofHours(1));

    static KafkaBroker kafka;
    static Path stores;

    @BeforeAll
    static void start() {
        kafka = KafkaBroker.startWithTls(CLUSTER_CA.issueServer("broker", List.of(FreePorts.HOST), Duration.ofHours(1)),
                CLIENTS_CA.certificate());
        stores = TempDirs.create("kafka-tls-client");
    }

    @AfterAll
    static void stop() {
        kafka.close();
        TempDirs.delete(stores);
    }

    @Test
    void aClientWithACertificateFromTheClientsCaIsServed() throws Exception {
        try (Admin admin = Admin.create(tlsClient(CLIENTS_CA))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).isNotEmpty();
        }
    }

    @Test
    void aClientWithACertificateFromAnotherCaIsRefused() {
        CertificateAuthority other = CertificateAuthority.create("other CA", Duration.ofHours(1));
        try (Admin admin = Admin.create(tlsClient(other))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SslAuthenticationException.class);
        }
    }

    /** Strimzi's client settings: PKCS#12 key store with the user's certificate, trust store with the cluster CA. */
    private static Map<String, Object> tlsClient(CertificateAuthority clientCa) {
        String password = Pkcs12.newPassword();
        String name = "client-" + System.nanoTime();
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.tlsBootstrapServers());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        config.put("security.protocol", "SSL");
        config.put("ssl.keystore.type", "PKCS12");
        config.put("ssl.keystore.location", Pkcs12.writeKeyStore(stores.resolve(name + ".p12"),
                clientCa.issueClient(name, Duration.ofHours(1)), password).toString());
        config.put("ssl.keystore.password", password);
        config.put("ssl.truststore.type", "PKCS12");
        config.put("ssl.truststore.location", Pkcs12.writeTrustStore(stores.resolve(name + "-ca.p12"),
                CLUSTER_CA.certificate(), password).toString());
        config.put("ssl.truststore.password", password);
        return config;
    }
}
