package io.nais.pg.kit.clusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nais.pg.kit.clusters.ClusterAdminConnections.ClusterAddress;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.Pem;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 18, hole 6: an on-path attacker between a service and a team's cluster. Real PostgreSQL servers play
 * the cluster and the attacker; the admin connection (pgjdbc) and the libpq tools' login (real psql) must
 * refuse every server they cannot verify against the cluster's CA, before the admin password is sent.
 */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true)
class AdminConnectionServerVerificationTest {

    /** pgjdbc: the connection attempt failed (here: the TLS handshake refused the server's certificate). */
    private static final String CONNECTION_FAILURE = "08006";
    /** pgjdbc: the server refused to establish the connection (here: it would not speak TLS). */
    private static final String SERVER_REJECTED_CONNECTION = "08004";
    /** psql's exit status when it could not connect. */
    private static final int PSQL_CONNECTION_FAILED = 2;

    /** The CA the platform trusts for this cluster. */
    private static final CertificateAuthority CLUSTER_CA = CertificateAuthority.create("cluster CA", Duration.ofHours(1));
    /** An attacker's own CA: its certificates look fine, but nobody trusts it. */
    private static final CertificateAuthority ATTACKER_CA = CertificateAuthority.create("cluster CA", Duration.ofHours(1));

    private static PostgresCluster cluster;
    private static PostgresCluster impostor;
    private static PostgresCluster plaintext;

    @Inject
    ClusterAdminConnections connections;

    @TempDir
    static Path secrets;

    @BeforeAll
    static void clusters() {
        // the real cluster also listens on 127.0.0.2, a name its certificate (127.0.0.1, localhost) does not carry
        cluster = PostgresCluster.builder().name("verified").tls(CLUSTER_CA)
                .setting("listen_addresses", "127.0.0.1,127.0.0.2")
                .hba("host all all 127.0.0.2/32 scram-sha-256")
                .start();
        impostor = PostgresCluster.builder().name("impostor").tls(ATTACKER_CA).start();
        plaintext = PostgresCluster.builder().name("downgrade").withoutTls().start();
    }

    @AfterAll
    static void stop() {
        for (PostgresCluster server : new PostgresCluster[] {cluster, impostor, plaintext}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void theRealClusterIsReachedOverVerifiedTls() throws Exception {
        try (Connection admin = connections.open(address(cluster, cluster.host(), clusterCa()));
             ResultSet rs = admin.createStatement().executeQuery(
                     "SELECT s.ssl FROM pg_catalog.pg_stat_ssl s WHERE s.pid = pg_catalog.pg_backend_pid()")) {
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
        }
    }

    @Test
    void aServerWithACertificateFromAnotherCaIsRefused() throws Exception {
        // the impostor would accept this password: only the certificate check stands between them
        ClusterAddress address = address(impostor, impostor.host(), clusterCa());

        assertThatThrownBy(() -> connections.open(address)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo(CONNECTION_FAILURE));
    }

    @Test
    void aServerWhoseCertificateNamesAnotherHostIsRefused() throws Exception {
        // a certificate the CA issued, for another name (as another cluster's certificate would be)
        ClusterAddress address = address(cluster, "127.0.0.2", clusterCa());

        assertThatThrownBy(() -> connections.open(address)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo(CONNECTION_FAILURE));
    }

    @Test
    void aServerThatWillNotSpeakTlsIsRefused() throws Exception {
        ClusterAddress address = address(plaintext, plaintext.host(), clusterCa());

        assertThatThrownBy(() -> connections.open(address)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo(SERVER_REJECTED_CONNECTION));
    }

    @Test
    void aClusterWithoutAKnownCaIsRefusedAlthoughItIsUpAndThePasswordIsRight() throws Exception {
        ClusterAddress address = address(cluster, cluster.host(), null);

        assertThatThrownBy(() -> connections.open(address)).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo(ClusterAdminConnections.SQLSTATE_UNABLE_TO_CONNECT);
            assertThat(e.getMessage()).doesNotContain(cluster.adminPassword());
        });
        assertThatThrownBy(() -> connections.libpq(address)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo(ClusterAdminConnections.SQLSTATE_UNABLE_TO_CONNECT));
    }

    @Test
    void libpqToolsVerifyTheServerAndStartWithTheCatalogOnlySearchPath() throws Exception {
        LibpqAdminLogin real = connections.libpq(address(cluster, cluster.host(), clusterCa()));
        LibpqAdminLogin toImpostor = connections.libpq(address(impostor, impostor.host(), clusterCa()));
        LibpqAdminLogin wrongName = connections.libpq(address(cluster, "127.0.0.2", clusterCa()));
        LibpqAdminLogin downgraded = connections.libpq(address(plaintext, plaintext.host(), clusterCa()));

        Psql ok = psql(real, "SELECT current_setting('search_path') || ' ' || s.ssl FROM pg_catalog.pg_stat_ssl s"
                + " WHERE s.pid = pg_catalog.pg_backend_pid()");
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        assertThat(ok.output().strip()).isEqualTo("pg_catalog,pg_temp true");
        assertThat(psql(toImpostor, "SELECT 1").exitCode()).isEqualTo(PSQL_CONNECTION_FAILED);
        assertThat(psql(wrongName, "SELECT 1").exitCode()).isEqualTo(PSQL_CONNECTION_FAILED);
        assertThat(psql(downgraded, "SELECT 1").exitCode()).isEqualTo(PSQL_CONNECTION_FAILED);
    }

    private record Psql(int exitCode, String output) {
    }

    /** psql as backup-service runs its tools: the conninfo on the command line, the rest in the environment. */
    private static Psql psql(LibpqAdminLogin login, String sql) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(cluster.binDir().resolve("psql").toString(),
                "--no-psqlrc", "--tuples-only", "--no-align", "--dbname=" + login.conninfo(), "--command=" + sql));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(login.environment());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Psql(process.exitValue(), output);
    }

    /** The server at {@code host}, with a file secret holding its own (right) password and {@code sslRootCert}. */
    private static ClusterAddress address(PostgresCluster server, String host, Path sslRootCert) throws IOException {
        Path secret = Files.createTempFile(secrets, "admin", ".properties");
        Files.writeString(secret, "username=" + server.adminUser() + "\npassword=" + server.adminPassword() + "\n"
                + (sslRootCert == null ? "" : "sslrootcert=" + sslRootCert + "\n"));
        return new ClusterAddress(host, server.port(), "postgres", "file:" + secret);
    }

    private static Path clusterCa() {
        Path file = secrets.resolve("cluster-ca.crt");
        if (!Files.exists(file)) {
            Pem.writeCertificates(file, List.of(CLUSTER_CA.certificate()));
        }
        return file;
    }
}
