package io.nais.pg.kit.clusters;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.ClusterUpdated;

/**
 * Opens JDBC connections to a team's cluster as its admin, for the services
 * that manage roles (access), and dump or verify backups (backup).
 *
 * <p>The credentials come from the cluster's {@code adminSecretRef} through the
 * {@link AdminSecretResolver} for its URI scheme; they live only in the
 * driver's connection properties and never reach a log or an exception.
 *
 * <p>Every session verifies the server ({@code sslmode=verify-full} against the
 * cluster's CA: the secret's {@code sslrootcert}, else the platform's bundle
 * {@code nais.kit.cluster-admin.ssl-root-cert}) and starts with
 * {@code search_path=pg_catalog,pg_temp}, set in the startup packet. A cluster
 * whose CA is unknown is refused (SQLSTATE 08001), never reached unverified.
 */
@ApplicationScoped
public class ClusterAdminConnections {

    /** sqlclient_unable_to_establish_sqlconnection: the client refused, no server was asked. */
    public static final String SQLSTATE_UNABLE_TO_CONNECT = "08001";
    /** A DNS name, an IPv4 address, or an IPv6 address in brackets: nothing pgjdbc would read as URL syntax. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+]");

    private final Map<String, AdminSecretResolver> resolvers;
    private final String applicationName;
    private final int connectTimeoutSeconds;
    private final Path caBundle;

    ClusterAdminConnections(Instance<AdminSecretResolver> resolvers,
                            @ConfigProperty(name = "quarkus.application.name", defaultValue = "nais-pg") String applicationName,
                            @ConfigProperty(name = "nais.kit.cluster-admin.connect-timeout-seconds", defaultValue = "5") int connectTimeoutSeconds,
                            @ConfigProperty(name = "nais.kit.cluster-admin.ssl-root-cert") Optional<String> caBundle) {
        this.resolvers = resolvers.stream().collect(Collectors.toMap(AdminSecretResolver::scheme, Function.identity()));
        this.applicationName = applicationName;
        this.connectTimeoutSeconds = connectTimeoutSeconds;
        this.caBundle = caBundle.filter(path -> !path.isBlank()).map(path -> Path.of(path).toAbsolutePath()).orElse(null);
    }

    /** Where a cluster's admin connects: from a cluster event, or built directly. */
    public record ClusterAddress(String host, int port, String database, String adminSecretRef) {

        public static ClusterAddress of(ClusterDiscovered cluster) {
            return new ClusterAddress(cluster.host(), cluster.port(), cluster.database(), cluster.adminSecretRef());
        }

        public static ClusterAddress of(ClusterUpdated cluster) {
            return new ClusterAddress(cluster.host(), cluster.port(), cluster.database(), cluster.adminSecretRef());
        }
    }

    /**
     * A new connection as the cluster admin, to a verified server, with {@code search_path=pg_catalog,pg_temp};
     * the caller closes it. Refused with SQLSTATE 08001 when the cluster's CA is unknown.
     */
    public Connection open(ClusterAddress cluster) throws SQLException {
        return open(libpq(cluster));
    }

    /**
     * A pgjdbc session with exactly the login libpq tools get: the same server verification and
     * search path, for the admin or for a login the admin made (backup-service's restore logins).
     */
    public Connection open(LibpqAdminLogin login) throws SQLException {
        AdminCredentials credentials = login.credentials();
        Properties properties = new Properties();
        properties.setProperty("user", credentials.username());
        properties.setProperty("password", credentials.password());
        properties.setProperty("sslmode", AdminSessionSettings.SSL_MODE);
        properties.setProperty("sslrootcert", credentials.sslRootCert().toString());
        properties.setProperty("options", AdminSessionSettings.OPTIONS);
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
        return DriverManager.getConnection(jdbcUrl(login.host(), login.port(), login.database()), properties);
    }

    /**
     * The admin login for libpq tools (pg_dump, pg_restore, psql), held to the same rules as {@link #open}.
     * Refused with SQLSTATE 08001 when the cluster's CA is unknown.
     */
    public LibpqAdminLogin libpq(ClusterAddress cluster) throws SQLException {
        return new LibpqAdminLogin(cluster.host(), cluster.port(), cluster.database(), verifiable(cluster));
    }

    /**
     * The credentials behind a reference, with the platform's CA bundle when the secret names no CA;
     * {@link AdminCredentials#sslRootCert()} is {@code null} only when neither does.
     */
    public AdminCredentials credentials(String adminSecretRef) {
        URI ref = URI.create(adminSecretRef);
        AdminSecretResolver resolver = resolvers.get(ref.getScheme());
        if (resolver == null) {
            throw new IllegalArgumentException("no admin secret resolver for scheme '" + ref.getScheme()
                    + "' of " + adminSecretRef + "; available: " + resolvers.keySet());
        }
        return resolver.resolve(ref).orRootCert(caBundle);
    }

    /** Fail closed: without a CA the server cannot be verified, and we never send the password unverified. */
    private AdminCredentials verifiable(ClusterAddress cluster) throws SQLException {
        AdminCredentials admin = credentials(cluster.adminSecretRef());
        if (admin.sslRootCert() == null) {
            throw new SQLNonTransientConnectionException("no CA to verify cluster " + cluster.host() + ":"
                    + cluster.port() + " with: its admin secret " + cluster.adminSecretRef()
                    + " has no sslrootcert and nais.kit.cluster-admin.ssl-root-cert is not set",
                    SQLSTATE_UNABLE_TO_CONNECT);
        }
        return admin;
    }

    static String jdbcUrl(ClusterAddress cluster) throws SQLException {
        return jdbcUrl(cluster.host(), cluster.port(), cluster.database());
    }

    private static String jdbcUrl(String host, int port, String database) throws SQLException {
        // pgjdbc takes settings from the URL over the properties: a "host" such as
        // "db/x?sslmode=disable&" would undo verify-full, and "a,b" would name several servers
        if (!HOST.matcher(host).matches()) {
            throw new SQLNonTransientConnectionException("cluster host is not a host name or IP address: "
                    + host, SQLSTATE_UNABLE_TO_CONNECT);
        }
        // The database name is URL-encoded: pgjdbc decodes it, so names with '/' or '?' stay intact.
        return "jdbc:postgresql://" + host + ":" + port + "/"
                + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
