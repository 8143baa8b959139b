package io.nais.pg.kit.clusters;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
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
 */
@ApplicationScoped
public class ClusterAdminConnections {

    private final Map<String, AdminSecretResolver> resolvers;
    private final String applicationName;
    private final int connectTimeoutSeconds;

    ClusterAdminConnections(Instance<AdminSecretResolver> resolvers,
                            @ConfigProperty(name = "quarkus.application.name", defaultValue = "nais-pg") String applicationName,
                            @ConfigProperty(name = "nais.kit.cluster-admin.connect-timeout-seconds", defaultValue = "5") int connectTimeoutSeconds) {
        this.resolvers = resolvers.stream().collect(Collectors.toMap(AdminSecretResolver::scheme, Function.identity()));
        this.applicationName = applicationName;
        this.connectTimeoutSeconds = connectTimeoutSeconds;
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

    /** A new connection as the cluster admin; the caller closes it. */
    public Connection open(ClusterAddress cluster) throws SQLException {
        AdminCredentials admin = credentials(cluster.adminSecretRef());
        Properties properties = new Properties();
        properties.setProperty("user", admin.username());
        properties.setProperty("password", admin.password());
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
        return DriverManager.getConnection(jdbcUrl(cluster), properties);
    }

    /** The credentials behind a reference, for tools that need them directly (pg_dump's PGPASSWORD). */
    public AdminCredentials credentials(String adminSecretRef) {
        URI ref = URI.create(adminSecretRef);
        AdminSecretResolver resolver = resolvers.get(ref.getScheme());
        if (resolver == null) {
            throw new IllegalArgumentException("no admin secret resolver for scheme '" + ref.getScheme()
                    + "' of " + adminSecretRef + "; available: " + resolvers.keySet());
        }
        return resolver.resolve(ref);
    }

    static String jdbcUrl(ClusterAddress cluster) {
        // The database name is URL-encoded: pgjdbc decodes it, so names with '/' or '?' stay intact.
        return "jdbc:postgresql://" + cluster.host() + ":" + cluster.port() + "/"
                + URLEncoder.encode(cluster.database(), StandardCharsets.UTF_8).replace("+", "%20");
    }
}
