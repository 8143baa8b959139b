package io.nais.pg.migration.connect;

import io.nais.pg.migration.MigrationException;
import io.nais.pg.migration.MigrationException.Failure;
import io.nais.pg.tools.Quote;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * One database to connect to. The password lives only here: {@link #toString()}
 * and {@link #masked()} leave it out, {@link #toolEnvironment()} hands it to
 * pg_dump/pg_restore through {@code PGPASSWORD} (never on a command line, where
 * {@code ps} would show it).
 *
 * <p>Every session, pgjdbc's and the tools', starts with {@value #SESSION_OPTIONS}
 * in its startup packet: on the target the migration runs as the cluster's
 * admin in a database the team owns, where a {@code public.format} or an
 * operator of the team's could otherwise be picked over the catalog's.
 *
 * @param sslRootCert the CA file the server's certificate must chain to ({@code sslrootcert=} in the URL);
 *                    null: libpq's and pgjdbc's default ({@code ~/.postgresql/root.crt})
 */
public record Endpoint(String host, int port, String database, String user, String password, String sslMode,
                       String sslRootCert) {

    /** What an admin URL must ask for: the server proven by its certificate, so the password goes to no one else. */
    public static final String VERIFY_FULL = "verify-full";

    /** No statement of ours ever resolves a name through a schema the team can write to. */
    static final String SESSION_OPTIONS = "-c search_path=pg_catalog,pg_temp";

    /** An endpoint with the drivers' default CA file. */
    public Endpoint(String host, int port, String database, String user, String password, String sslMode) {
        this(host, port, database, user, password, sslMode, null);
    }

    /**
     * Session settings that make a row's text form the same on both servers,
     * so checksums of {@code row::text} compare equal for equal data.
     */
    private static final String CANONICAL_OUTPUT = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; "
            + "SET IntervalStyle = 'postgres'; SET extra_float_digits = 1; SET bytea_output = 'hex'";

    /**
     * Parses {@code postgresql://user:password@host:port/database?sslmode=…}
     * (also {@code postgres://} and {@code jdbc:postgresql://}).
     */
    public static Endpoint parse(String url) {
        String text = url.strip();
        if (text.startsWith("jdbc:")) {
            text = text.substring("jdbc:".length());
        }
        if (!text.startsWith("postgresql://") && !text.startsWith("postgres://")) {
            throw new MigrationException(Failure.INVALID_INPUT, "plan",
                    "not a PostgreSQL URL (expected postgresql://user:password@host:port/database)");
        }
        try {
            URI uri = new URI(text);
            String[] userInfo = uri.getRawUserInfo() == null ? new String[0] : uri.getRawUserInfo().split(":", 2);
            String user = userInfo.length > 0 ? decode(userInfo[0]) : null;
            String password = userInfo.length > 1 ? decode(userInfo[1]) : null;
            String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
            if (uri.getHost() == null || path.isEmpty() || user == null) {
                throw new MigrationException(Failure.INVALID_INPUT, "plan",
                        "a PostgreSQL URL needs a user, a host and a database: postgresql://user:password@host:port/database");
            }
            Map<String, String> parameters = query(uri.getRawQuery());
            return new Endpoint(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), decode(path), user, password,
                    parameters.getOrDefault("sslmode", "prefer"), parameters.get("sslrootcert"));
        } catch (URISyntaxException e) {
            // the URI's message would quote the input, password included
            throw new MigrationException(Failure.INVALID_INPUT, "plan", "not a valid PostgreSQL URL");
        }
    }

    /** {@code postgresql://user:***@host:port/database}: for output and logs. */
    public String masked() {
        return "postgresql://" + user + (password == null ? "" : ":***") + "@" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return masked();
    }

    /** The same server, another database. */
    public Endpoint withDatabase(String otherDatabase) {
        return new Endpoint(host, port, otherDatabase, user, password, sslMode, sslRootCert);
    }

    /** The same server and database as another login (its password never printed either). */
    public Endpoint as(String otherUser, String otherPassword) {
        return new Endpoint(host, port, database, otherUser, otherPassword, sslMode, sslRootCert);
    }

    /**
     * Refuses an admin endpoint that would not prove the server: an on-path
     * attacker could otherwise downgrade the connection and read the password.
     */
    public Endpoint requireVerifiedServer(String role) {
        if (!VERIFY_FULL.equals(sslMode)) {
            throw new MigrationException(Failure.INVALID_INPUT, "plan", "the " + role + " URL is an admin login and must say"
                    + " sslmode=verify-full (with sslrootcert=<the cluster's CA file>), not sslmode=" + sslMode);
        }
        return this;
    }

    /**
     * A connection with canonical output settings. A refused login or an
     * unreachable server becomes {@link Failure#UNREACHABLE}, decided on the
     * SQLSTATE class (08 connection, 28 authorization, 3D000 no database).
     */
    public Connection connect(String role) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("sslmode", sslMode);
        if (sslRootCert != null) {
            properties.setProperty("sslrootcert", sslRootCert);
        }
        properties.setProperty("options", SESSION_OPTIONS);
        properties.setProperty("ApplicationName", "nais-migrate");
        properties.setProperty("connectTimeout", "10");
        // a server that accepts and never answers must not hold a migration (in backup-service: a slot) forever
        properties.setProperty("loginTimeout", "20");
        try {
            Connection connection = DriverManager.getConnection(jdbcUrl(), properties);
            try (Statement statement = connection.createStatement()) {
                statement.execute(CANONICAL_OUTPUT);
            }
            return connection;
        } catch (SQLException e) {
            throw refused(role, e);
        }
    }

    /** libpq's environment for pg_dump/pg_restore/psql: the password never goes on a command line. */
    public Map<String, String> toolEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PGHOST", host);
        environment.put("PGPORT", Integer.toString(port));
        environment.put("PGDATABASE", database);
        environment.put("PGUSER", user);
        environment.put("PGSSLMODE", sslMode);
        if (sslRootCert != null) {
            environment.put("PGSSLROOTCERT", sslRootCert);
        }
        environment.put("PGOPTIONS", SESSION_OPTIONS);
        environment.put("PGAPPNAME", "nais-migrate");
        if (password != null) {
            environment.put("PGPASSWORD", password);
        }
        return environment;
    }

    /** A libpq conninfo string (each value quoted), for a subscription on the target. */
    public String conninfo() {
        return "host=" + Quote.conninfoValue(host) + " port=" + port + " dbname=" + Quote.conninfoValue(database) + " user="
                + Quote.conninfoValue(user) + (password == null ? "" : " password=" + Quote.conninfoValue(password))
                + " sslmode=" + Quote.conninfoValue(sslMode) + " application_name=nais_migration";
    }

    private MigrationException refused(String role, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String why;
        if (state.startsWith("28")) {
            why = "refused the login of " + user + " (wrong user or password, SQLSTATE " + state + ")";
        } else if (state.equals("3D000")) {
            why = "has no database " + database + " (SQLSTATE 3D000)";
        } else if (state.startsWith("08")) {
            why = "is unreachable (SQLSTATE " + state + ")";
        } else {
            why = "could not be used (SQLSTATE " + state + ")";
        }
        // e's message may quote the server's words, never our password; still, keep only the SQLSTATE
        return new MigrationException(Failure.UNREACHABLE, "plan", role + " " + masked() + " " + why);
    }

    private String jdbcUrl() {
        return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/"
                + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decode(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                String[] kv = pair.split("=", 2);
                parameters.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
            }
        }
        return parameters;
    }
}
