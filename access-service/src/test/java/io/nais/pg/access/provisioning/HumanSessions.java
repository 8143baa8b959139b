package io.nais.pg.access.provisioning;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.testsupport.postgres.PostgresCluster;

/**
 * Logs in to a test cluster as a person, the way the gateway will: TLS with a
 * client certificate whose CN is the email (pg_hba {@code cert} for members of
 * {@code nais_human}). No human ever has a password.
 */
public final class HumanSessions {

    /**
     * TLS with client certificates from {@code ca}; over TLS the admin logs in with
     * its password and everybody else by certificate only (so a dropped or NOLOGIN
     * role is refused by the server with 28000, not by a missing password).
     */
    public static PostgresCluster.Builder withCertificateLogins(PostgresCluster.Builder builder,
                                                                CertificateAuthority ca) {
        return builder.tls(ca)
                .hba("hostssl all postgres 127.0.0.1/32 scram-sha-256")
                .hba("hostssl all all 127.0.0.1/32 cert");
    }

    private final PostgresCluster cluster;
    private final CertificateAuthority ca;
    private final Path directory;
    private final Map<String, IssuedCertificate.PemFiles> certificates = new ConcurrentHashMap<>();

    public HumanSessions(PostgresCluster cluster, CertificateAuthority ca) {
        this.cluster = cluster;
        this.ca = ca;
        try {
            this.directory = Files.createTempDirectory("human-certs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Connection connect(String database, String email) throws SQLException {
        IssuedCertificate.PemFiles files = certificates.computeIfAbsent(email, this::issue);
        Properties properties = new Properties();
        properties.setProperty("user", email);
        properties.setProperty("sslmode", "require");
        properties.setProperty("sslcert", files.certificate().toString());
        properties.setProperty("sslkey", files.privateKeyDer().toString());
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(cluster.jdbcUrl(database), properties);
    }

    /** Issues the person's client certificate ahead of time (key generation is slow), e.g. before a timing. */
    public void prepare(String email) {
        certificates.computeIfAbsent(email, this::issue);
    }

    private IssuedCertificate.PemFiles issue(String email) {
        try {
            return ca.issueClient(email, Duration.ofHours(1)).writePem(Files.createTempDirectory(directory, "c"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the statement; the SQLSTATE it failed with, or {@code null} when it succeeded. */
    public static String sqlStateOf(Connection connection, String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }
}
