package io.nais.pg.cli.testing;

import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.Pem;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real PostgreSQL that asks for the login exactly as the gateway does:
 * SSLRequest → 'S' → TLS (certificate from a test CA, SAN 127.0.0.1) →
 * AuthenticationCleartextPassword, with the person's role named after their
 * email and the token as the password, and a database named after the cluster
 * id. It lets the proxy's protocol be proven against a real server while the
 * gateway is built; it is not a stand-in for the gateway's checks.
 */
public final class PasswordTlsPostgres implements AutoCloseable {

    public static final String TEAM = "team-a";
    public static final String APP = "demo-app";
    public static final String CLUSTER_ID = TEAM + "/" + APP;
    /** A cluster every login is refused for, by pg_hba.conf: the server's own 28000 message. */
    public static final String REFUSED_APP = "secret-app";

    private final CertificateAuthority ca;
    private final PostgresCluster cluster;
    private final Path caFile;

    public PasswordTlsPostgres(Path directory) throws Exception {
        ca = CertificateAuthority.create("cli-test-gateway-ca", Duration.ofDays(1));
        caFile = directory.resolve("gateway-ca.crt");
        Files.createDirectories(directory);
        Pem.writeCertificates(caFile, List.of(ca.certificate()));
        cluster = PostgresCluster.builder().name("cli-gateway").tls(ca)
                .hba("hostssl \"" + TEAM + "/" + REFUSED_APP + "\" all 127.0.0.1/32 reject")
                .hba("hostssl all all 127.0.0.1/32 password")
                .start();
        cluster.createDatabase(CLUSTER_ID, cluster.adminUser());
        cluster.createDatabase(TEAM + "/" + REFUSED_APP, cluster.adminUser());
    }

    /** The person's role, whose password is the token the proxy must send. */
    public void addPerson(String email, String token) {
        cluster.createLoginRole(email, token);
    }

    public void setPassword(String email, String token) {
        cluster.execute("postgres", "ALTER ROLE \"" + email.replace("\"", "\"\"") + "\" PASSWORD '" + token.replace("'", "''") + "'");
    }

    public PostgresCluster cluster() {
        return cluster;
    }

    public int port() {
        return cluster.port();
    }

    public Path caFile() {
        return caFile;
    }

    @Override
    public void close() {
        cluster.close();
    }
}
