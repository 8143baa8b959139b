package io.nais.pg.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.nais.pg.kit.clusters.AdminCredentials;
import io.nais.pg.kit.clusters.LibpqAdminLogin;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.Pem;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.tools.ToolProcess;

/**
 * Issue 18, hole 6, from the tool's side: pg_dump, started by the service's
 * {@link PgTools} with the service's login ({@link LibpqAdminLogin}), never
 * hands the admin password to a server it cannot verify. Two attackers: one
 * on the path that answers the SSLRequest with "no" and then asks for the
 * password in clear text (what {@code sslmode=prefer} gave away), and a
 * server whose certificate chains to a CA other than the cluster's.
 */
class PgDumpVerifiesTheServerTest {

    private static final String PASSWORD = "the-admin-Pa55word-nobody-may-read";

    private static PostgresCluster cluster;
    private static PgTools tools;

    @BeforeAll
    static void start() {
        cluster = PostgresCluster.builder().name("tls-checked").start();
        tools = PgTools.locate(Optional.of(cluster.binDir()));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aDowngradingServerNeverReceivesTheAdminPassword() throws Exception {
        try (ServerSocket attacker = new ServerSocket(0, 1, InetAddress.getByName(PostgresCluster.HOST))) {
            CompletableFuture<byte[]> heard = CompletableFuture.supplyAsync(() -> downgradeAndAskForThePassword(attacker));
            LibpqAdminLogin login = new LibpqAdminLogin(PostgresCluster.HOST, attacker.getLocalPort(), "postgres",
                    new AdminCredentials("postgres", PASSWORD, cluster.serverCaFile()));

            assertThatThrownBy(() -> dump(login)).isInstanceOf(ToolProcess.ToolFailedException.class);

            String received = new String(heard.get(60, TimeUnit.SECONDS), StandardCharsets.ISO_8859_1);
            assertThat(received).doesNotContain(PASSWORD).doesNotContain("postgres");
        }
    }

    @Test
    void aServerWithACertificateFromAnotherCaIsRefused() throws Exception {
        Path otherCa = Files.createTempFile("other-ca", ".crt");
        Pem.writeCertificates(otherCa, List.of(CertificateAuthority.create("not the cluster's CA", Duration.ofDays(1)).certificate()));
        LibpqAdminLogin impostorsCa = new LibpqAdminLogin(cluster.host(), cluster.port(), "postgres",
                new AdminCredentials(cluster.adminUser(), cluster.adminPassword(), otherCa));
        LibpqAdminLogin clustersCa = new LibpqAdminLogin(cluster.host(), cluster.port(), "postgres",
                new AdminCredentials(cluster.adminUser(), cluster.adminPassword(), cluster.serverCaFile()));

        assertThatThrownBy(() -> dump(impostorsCa)).isInstanceOf(ToolProcess.ToolFailedException.class);
        assertThat(dump(clustersCa)).as("the same dump against the cluster's own CA").isNotEmpty();
    }

    private static byte[] dump(LibpqAdminLogin login) throws Exception {
        try (ToolProcess pgDump = tools.start("pg_dump", List.of("--format=custom", "--no-password",
                "--dbname=" + login.conninfo()), login.environment())) {
            byte[] archive = pgDump.stdout().readAllBytes();
            pgDump.awaitSuccess();
            return archive;
        }
    }

    /**
     * The on-path attacker: "N" to the SSLRequest; to a StartupMessage that
     * follows, AuthenticationCleartextPassword; then it keeps all it hears.
     */
    private static byte[] downgradeAndAskForThePassword(ServerSocket attacker) {
        ByteArrayOutputStream heard = new ByteArrayOutputStream();
        try (Socket client = attacker.accept()) {
            client.setSoTimeout(30_000);
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            byte[] sslRequest = new byte[8];
            in.readFully(sslRequest);
            out.write('N');
            out.flush();
            int length = readMessageLength(in, heard);
            if (length < 0) {
                return heard.toByteArray();
            }
            byte[] startup = in.readNBytes(length - 4);
            heard.write(startup);
            out.write(new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 3});
            out.flush();
            InputStream rest = client.getInputStream();
            heard.write(rest.readAllBytes());
        } catch (IOException e) {
            // the client hung up: what was heard is the evidence
        }
        return heard.toByteArray();
    }

    private static int readMessageLength(DataInputStream in, ByteArrayOutputStream heard) throws IOException {
        byte[] length = in.readNBytes(4);
        heard.write(length);
        if (length.length < 4) {
            return -1;
        }
        return ((length[0] & 0xff) << 24) | ((length[1] & 0xff) << 16) | ((length[2] & 0xff) << 8) | (length[3] & 0xff);
    }
}
