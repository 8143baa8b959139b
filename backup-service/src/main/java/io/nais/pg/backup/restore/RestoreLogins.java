package io.nais.pg.backup.restore;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.postgresql.PGConnection;

import io.nais.pg.kit.clusters.AdminCredentials;
import io.nais.pg.kit.clusters.ClusterAdminConnections;
import io.nais.pg.kit.clusters.ClusterAdminConnections.ClusterAddress;
import io.nais.pg.kit.clusters.LibpqAdminLogin;

/**
 * Makes and drops the {@link RestoreLogin}s, as the server's admin, and
 * connects as them with the admin's guarantees: the server verified against
 * the cluster's CA ({@code verify-full}) and {@code search_path} fixed in the
 * startup packet, taken from the admin's {@link LibpqAdminLogin} so that both
 * kinds of session are held to one rule.
 *
 * <p>The role is NOSUPERUSER, NOCREATEDB, NOCREATEROLE, NOREPLICATION; it has
 * BYPASSRLS so that the row count is exact and a team's policy expressions
 * never run in it. Its password is set with {@link PGConnection#alterUserPassword},
 * which sends a SCRAM verifier, never the password, so not even a server log
 * of every statement holds it. {@code VALID UNTIL} a day ahead is the net for
 * a role whose drop never ran (the service died mid-restore).
 */
final class RestoreLogins {

    private static final Duration LIFETIME = Duration.ofDays(1);
    /**
     * Every restore login is a member of this NOLOGIN group, so a cluster that
     * admits only the roles it knows (pg_hba ends with {@code reject}, see
     * deploy/README.md) can admit these throwaway logins by one line,
     * {@code +nais_restore}. migration's restore logins share it.
     */
    static final String GROUP = "nais_restore";

    private final ClusterAdminConnections admin;

    RestoreLogins(ClusterAdminConnections admin) {
        this.admin = admin;
    }

    /** Creates the role on {@code server}; with {@code memberOf}, it may act as that role (and no other). */
    void create(ClusterAddress server, RestoreLogin login, Optional<String> memberOf) throws SQLException {
        try (Connection c = admin.open(server)) {
            ensureGroup(c);
            AdminSql.run(c, "SELECT pg_catalog.format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
                    + " NOREPLICATION BYPASSRLS VALID UNTIL %L IN ROLE %I', ?, ?, ?)",
                    login.role(), Instant.now().plus(LIFETIME).toString(), GROUP);
            if (memberOf.isPresent()) {
                AdminSql.run(c, "SELECT pg_catalog.format('GRANT %I TO %I', ?, ?)", memberOf.get(), login.role());
            }
            c.unwrap(PGConnection.class).alterUserPassword(login.role(), login.password().toCharArray(), "scram-sha-256");
        }
    }

    /** The group, made once per server; a concurrent restore making it at the same moment is no error. */
    private static void ensureGroup(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DO $$ BEGIN CREATE ROLE " + GROUP + " NOLOGIN;"
                    + " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$");
        }
    }

    /**
     * Gives what {@code login} owns in {@code database} to {@code heir}, and
     * revokes what was granted to it there: a team's function running as the
     * login may have made objects, which would keep the role from being dropped.
     */
    void handOver(ClusterAddress server, String database, RestoreLogin login, String heir) throws SQLException {
        try (Connection c = admin.open(onDatabase(server, database))) {
            AdminSql.run(c, "SELECT pg_catalog.format('REASSIGN OWNED BY %I TO %I', ?, ?)", login.role(), heir);
            AdminSql.run(c, "SELECT pg_catalog.format('DROP OWNED BY %I', ?)", login.role());
        }
    }

    void drop(ClusterAddress server, RestoreLogin login) throws SQLException {
        try (Connection c = admin.open(server)) {
            AdminSql.run(c, "SELECT pg_catalog.format('DROP ROLE IF EXISTS %I', ?)", login.role());
        }
    }

    /** libpq's parameters for {@code login} on {@code database}: the admin's CA, TLS mode and session options. */
    LibpqAdminLogin libpq(ClusterAddress server, String database, RestoreLogin login) throws SQLException {
        LibpqAdminLogin adminLogin = admin.libpq(server);
        return new LibpqAdminLogin(server.host(), server.port(), database,
                new AdminCredentials(login.role(), login.password(), adminLogin.credentials().sslRootCert()));
    }

    /** A pgjdbc session as {@code login} on {@code database}, with the same parameters libpq gets. */
    Connection open(ClusterAddress server, String database, RestoreLogin login) throws SQLException {
        return admin.open(libpq(server, database, login));
    }

    static ClusterAddress onDatabase(ClusterAddress server, String database) {
        return new ClusterAddress(server.host(), server.port(), database, server.adminSecretRef());
    }
}
