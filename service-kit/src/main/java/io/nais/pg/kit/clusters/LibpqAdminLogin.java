package io.nais.pg.kit.clusters;

import java.util.LinkedHashMap;
import java.util.Map;

import io.nais.pg.tools.Quote;

/**
 * A cluster admin's login as libpq tools take it ({@code pg_dump}, {@code pg_restore}, {@code psql}), with
 * the same guarantees as {@link ClusterAdminConnections#open}: the server is verified
 * ({@code sslmode=verify-full} against the cluster's CA) and the session starts with
 * {@code search_path=pg_catalog,pg_temp}. Made only by {@link ClusterAdminConnections#libpq}, which refuses
 * a cluster without a known CA.
 *
 * <p>{@link #conninfo()} goes on the command line ({@code --dbname=}); it holds no password.
 * {@link #environment()} goes into the child's environment only: the password, and the TLS and search-path
 * settings again, so a connection libpq opens from the environment alone is held to the same rules.
 */
public record LibpqAdminLogin(String host, int port, String database, AdminCredentials credentials) {

    public LibpqAdminLogin {
        if (credentials.sslRootCert() == null) {
            throw new IllegalArgumentException("a libpq admin login needs the cluster's CA (sslrootcert)");
        }
    }

    /** {@code host=… port=… dbname=… user=… sslmode=verify-full sslrootcert=… options=…}, values quoted. */
    public String conninfo() {
        return "host=" + Quote.conninfoValue(host) + " port=" + port + " dbname=" + Quote.conninfoValue(database)
                + " user=" + Quote.conninfoValue(credentials.username())
                + " sslmode=" + AdminSessionSettings.SSL_MODE
                + " sslrootcert=" + Quote.conninfoValue(credentials.sslRootCert().toString())
                + " options=" + Quote.conninfoValue(AdminSessionSettings.OPTIONS);
    }

    /** {@code PGPASSWORD}, {@code PGSSLMODE}, {@code PGSSLROOTCERT} and {@code PGOPTIONS} for the child process. */
    public Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PGPASSWORD", credentials.password());
        environment.put("PGSSLMODE", AdminSessionSettings.SSL_MODE);
        environment.put("PGSSLROOTCERT", credentials.sslRootCert().toString());
        environment.put("PGOPTIONS", AdminSessionSettings.OPTIONS);
        return environment;
    }

    /** The same login to another database of the cluster. */
    public LibpqAdminLogin withDatabase(String otherDatabase) {
        return new LibpqAdminLogin(host, port, otherDatabase, credentials);
    }

    @Override
    public String toString() {
        return "LibpqAdminLogin[" + conninfo() + "]";
    }
}
