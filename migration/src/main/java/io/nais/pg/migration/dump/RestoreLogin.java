package io.nais.pg.migration.dump;

import io.nais.pg.migration.MigrationException;
import io.nais.pg.migration.MigrationException.Failure;
import io.nais.pg.migration.connect.Endpoint;
import io.nais.pg.tools.Quote;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import org.postgresql.PGConnection;

/**
 * The login pg_restore uses on the target: a throwaway NOSUPERUSER role, made
 * by the target's admin for one copy, a member of the application role and of
 * nothing else, dropped when the copy ends ({@link #close()}, also on failure).
 *
 * <p>Why not the admin with {@code --role}: the dump is the team's, with the
 * team's code in it (check constraints, generated columns, index expressions
 * that call the team's functions), and pg_restore runs that code. A function
 * can {@code RESET ROLE} out of {@code --role} back to the session's user; as
 * this login, it reaches what the application role reaches and no more. Its
 * password is random, set as a SCRAM verifier ({@link PGConnection#alterUserPassword}),
 * never printed; {@code VALID UNTIL} a day ahead is the net if the drop never runs.
 */
final class RestoreLogin implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The NOLOGIN group of every restore login (deploy/README.md: clusters admit {@code +nais_restore} by password). */
    static final String RESTORE_GROUP = "nais_restore";

    private final Endpoint admin;
    private final String applicationRole;
    private final Endpoint login;

    private RestoreLogin(Endpoint admin, String applicationRole, Endpoint login) {
        this.admin = admin;
        this.applicationRole = applicationRole;
        this.login = login;
    }

    /** Makes the login on {@code admin}'s server; refuses an application role that is a superuser. */
    static RestoreLogin create(Endpoint admin, String applicationRole) {
        byte[] name = new byte[8];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(name);
        RANDOM.nextBytes(secret);
        String role = "nais_migrate_" + HexFormat.of().formatHex(name);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        try (Connection c = admin.connect("target"); Statement st = c.createStatement()) {
            refuseSuperuser(c, applicationRole);
            // nais_restore: the group a cluster that admits only known roles lets in (backup-service's restore logins share it)
            st.execute("DO $$ BEGIN CREATE ROLE " + RESTORE_GROUP + " NOLOGIN;"
                    + " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$");
            st.execute("CREATE ROLE " + Quote.identifier(role) + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
                    + " VALID UNTIL '" + Instant.now().plus(Duration.ofDays(1)) + "'" // an ISO instant: digits, '-', ':', 'T', 'Z'
                    + " IN ROLE " + RESTORE_GROUP + ", " + Quote.identifier(applicationRole));
            RestoreLogin created = new RestoreLogin(admin, applicationRole, admin.as(role, password));
            try {
                c.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
            } catch (SQLException e) {
                created.close();
                throw e;
            }
            return created;
        } catch (SQLException e) {
            throw new MigrationException(Failure.COPY_FAILED, "copy", "could not make the restore login on the target (SQLSTATE "
                    + e.getSQLState() + ")", e);
        }
    }

    /** The target database, as this login. */
    Endpoint endpoint() {
        return login;
    }

    /**
     * Hands whatever the login came to own (a team function may have made
     * objects as it) to the application role, revokes what was granted to it,
     * and drops it.
     */
    @Override
    public void close() {
        try (Connection c = admin.connect("target"); Statement st = c.createStatement()) {
            st.execute("REASSIGN OWNED BY " + Quote.identifier(login.user()) + " TO " + Quote.identifier(applicationRole));
            st.execute("DROP OWNED BY " + Quote.identifier(login.user()));
            st.execute("DROP ROLE " + Quote.identifier(login.user()));
        } catch (SQLException e) {
            throw new MigrationException(Failure.COPY_FAILED, "copy", "could not drop the restore login " + login.user()
                    + " on the target (SQLSTATE " + e.getSQLState() + "); its password expires in a day", e);
        }
    }

    private static void refuseSuperuser(Connection c, String applicationRole) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) ?")) {
            ps.setString(1, applicationRole);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new MigrationException(Failure.INVALID_INPUT, "copy", "the target has no role " + applicationRole);
                }
                if (rs.getBoolean(1)) {
                    throw new MigrationException(Failure.BLOCKED, "copy", "the application role " + applicationRole
                            + " is a superuser: the source's objects would run as one, so the copy is refused");
                }
            }
        }
    }

}
