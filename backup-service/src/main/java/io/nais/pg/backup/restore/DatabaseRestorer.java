package io.nais.pg.backup.restore;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nais.pg.backup.crypto.AgeIdentities;
import io.nais.pg.backup.dump.Manifest;
import io.nais.pg.backup.postgres.DatabaseFingerprint;
import io.nais.pg.backup.postgres.RowCounts;
import io.nais.pg.kit.clusters.ClusterAdminConnections;
import io.nais.pg.kit.clusters.ClusterAdminConnections.ClusterAddress;
import io.nais.pg.kit.clusters.LibpqAdminLogin;

/**
 * Restores a backup into a NEW database and counts what arrived: check the
 * SHA-256, make a throwaway login ({@link RestoreLogin}), create the database,
 * decrypt and pg_restore into it AS that login, read what it holds as that
 * login (rows and a content checksum per table, indexes, sequences: {@link
 * DatabaseFingerprint}), compare with the manifest, drop the login. Shared by the scheduled
 * verification (scratch server) and the operator's restore (a team's cluster).
 *
 * <p>Why a login of its own, and not the admin with {@code --role}: a backup
 * holds the team's code (functions called by check constraints, generated
 * columns, index expressions, and a {@code public.format} that shadows the
 * catalog's). pg_restore runs that code as whoever it is connected as; a
 * function can {@code RESET ROLE} out of {@code --role} back to the session's
 * superuser. Connected as a NOSUPERUSER role, the team's code can never reach
 * more than that role reaches. The admin only makes and drops roles and
 * databases, which runs none of the team's code.
 */
@ApplicationScoped
public class DatabaseRestorer {

    private static final Logger LOG = Logger.getLogger(DatabaseRestorer.class);

    private final BackupReader reader;
    private final ClusterAdminConnections admin;
    private final RestoreLogins logins;

    DatabaseRestorer(BackupReader reader, ClusterAdminConnections admin) {
        this.reader = reader;
        this.admin = admin;
        this.logins = new RestoreLogins(admin);
    }

    /**
     * What a restore held, and how it compares with what was recorded at dump
     * time: {@code difference} names each table, index or sequence that
     * differs (no row values); empty when it matches. {@code referencesNotRestored}:
     * foreign keys of restored tables left out (a restore of some tables only).
     */
    public record Restored(Map<String, Long> tableRows, boolean matchesManifest, String difference,
                           List<String> referencesNotRestored) {
        public int tables() {
            return tableRows.size();
        }

        public long rows() {
            return RowCounts.total(tableRows);
        }
    }

    /** Thrown when the target database exists already: a restore never overwrites. */
    public static final class TargetExistsException extends RuntimeException {
        TargetExistsException(String database) {
            super("database " + database + " exists already; restore needs a new database name");
        }
    }

    /** A requested table the backup does not hold; the message lists those it does. */
    public static final class UnknownTablesException extends IllegalArgumentException {
        UnknownTablesException(Collection<String> unknown, Collection<String> held) {
            super("the backup holds no table " + String.join(", ", unknown) + "; it holds: "
                    + (held.isEmpty() ? "no tables" : String.join(", ", new TreeSet<>(held))));
        }
    }

    /** Thrown when a team's objects would run as a superuser: the target database's owner is one. */
    public static final class SuperuserOwnerException extends IllegalStateException {
        SuperuserOwnerException(String owner) {
            super("the cluster's database is owned by " + owner + ", a superuser: a restore runs the backup's"
                    + " objects as that owner, so it is refused");
        }
    }

    /**
     * Restore verification on the scratch server, which every team's backup
     * passes through: the login owns a database of its own, which no other
     * role may connect to, and both are dropped afterwards, also on failure.
     * Objects are created and owned by the login ({@code --no-owner
     * --no-privileges}: the team's roles do not exist there).
     */
    public Restored verifyOnScratch(Manifest manifest, AgeIdentities identities, ClusterAddress scratch)
            throws IOException, SQLException, InterruptedException {
        reader.checkSha256(manifest);
        RestoreLogin login = RestoreLogin.random("nais_verify_");
        String database = login.role();
        try {
            logins.create(scratch, login, Optional.empty());
            createDatabase(scratch, database, login.role());
            closeToOthers(scratch, database);
            reader.restore(manifest, identities, logins.libpq(scratch, database, login),
                    List.of("--no-owner", "--no-privileges"));
            return compare(manifest, readAs(scratch, database, login));
        } finally {
            cleanUp(login, () -> dropDatabase(scratch, database));
            cleanUp(login, () -> logins.drop(scratch, login));
        }
    }

    /**
     * The operator's restore into a new database on a team's cluster. The
     * database and every restored object belong to the owner of the cluster's
     * own database (the application role: {@code --no-owner --role}, with the
     * backup's privileges), and pg_restore connects as a login that is a member
     * of that role and nothing more, so the team's code runs with the team's
     * rights. A database owned by a superuser is refused.
     */
    public Restored restoreIntoCluster(Manifest manifest, AgeIdentities identities, ClusterAddress cluster,
                                       String database) throws IOException, SQLException, InterruptedException {
        reader.checkSha256(manifest);
        return intoCluster(cluster, database,
                (login, options) -> reader.restore(manifest, identities, login, options),
                restored -> compare(manifest, restored));
    }

    /**
     * As {@link #restoreIntoCluster}, restoring only {@code tables}
     * ({@code schema.table}, each one the manifest lists, else {@link
     * UnknownTablesException}) with what belongs to them
     * ({@link TableSelection}), and comparing only those tables and the
     * sequences that came with them with the manifest.
     */
    public Restored restoreTablesIntoCluster(Manifest manifest, AgeIdentities identities, ClusterAddress cluster,
                                             String database, List<String> tables)
            throws IOException, SQLException, InterruptedException {
        List<TableSelection.Table> requested = TableSelection.requested(tables, manifest.tableRows().keySet());
        reader.checkSha256(manifest);
        TableSelection.Selection selection = select(manifest, identities, requested);
        Set<String> names = requested.stream().map(TableSelection.Table::qualified).collect(Collectors.toSet());
        return intoCluster(cluster, database,
                (login, options) -> reader.restore(manifest, identities, login, options, selection.useList()),
                restored -> compare(manifest.fingerprint().map(dumped -> dumped.only(names, restored.sequences().keySet())),
                        DatabaseFingerprint.narrowed(manifest.tableRows(), names), restored, selection.referencesNotRestored()));
    }

    /** The archive's contents, and the dump ids of the requested tables as pg_restore's own name match finds them. */
    private TableSelection.Selection select(Manifest manifest, AgeIdentities identities,
                                            List<TableSelection.Table> requested) throws IOException, InterruptedException {
        List<TableSelection.Entry> contents = TableSelection.parse(
                reader.tableOfContents(manifest, identities, List.of("--verbose")));
        Set<Integer> tables = new LinkedHashSet<>();
        List<String> notInDump = new ArrayList<>();
        for (Map.Entry<String, List<TableSelection.Table>> schema : TableSelection.bySchema(requested).entrySet()) {
            Set<Integer> found = TableSelection.tablesIn(TableSelection.parse(reader.tableOfContents(manifest,
                    identities, TableSelection.listingOptions(schema.getKey(), schema.getValue()))));
            if (found.size() != schema.getValue().size()) {
                schema.getValue().forEach(table -> notInDump.add(table.qualified()));
            }
            tables.addAll(found);
        }
        if (!notInDump.isEmpty()) {
            throw new UnknownTablesException(notInDump, manifest.tableRows().keySet());
        }
        return TableSelection.select(contents, tables, manifest.tableRows().keySet());
    }

    private interface PgRestoreStep {
        void run(LibpqAdminLogin login, List<String> options) throws IOException, InterruptedException;
    }

    private Restored intoCluster(ClusterAddress cluster, String database, PgRestoreStep pgRestore,
                                 Function<DatabaseFingerprint, Restored> compare)
            throws IOException, SQLException, InterruptedException {
        String owner = applicationRole(cluster);
        RestoreLogin login = RestoreLogin.random("nais_restore_");
        boolean created = false;
        try {
            logins.create(cluster, login, Optional.of(owner));
            createDatabase(cluster, database, owner);
            created = true;
            pgRestore.run(logins.libpq(cluster, database, login), List.of("--no-owner", "--role=" + owner));
            return compare.apply(readAs(cluster, database, login));
        } finally {
            if (created) {
                cleanUp(login, () -> logins.handOver(cluster, database, login, owner));
            }
            cleanUp(login, () -> logins.drop(cluster, login));
        }
    }

    /** The owner of the cluster's own database: the team's application role, which must not be a superuser. */
    private String applicationRole(ClusterAddress cluster) throws SQLException {
        try (Connection c = admin.open(cluster); PreparedStatement ps = c.prepareStatement("""
                SELECT r.rolname, r.rolsuper
                  FROM pg_catalog.pg_database d
                  JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) d.datdba
                 WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()
                """); ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getBoolean(2)) {
                throw new SuperuserOwnerException(rs.getString(1));
            }
            return rs.getString(1);
        }
    }

    private void createDatabase(ClusterAddress server, String database, String owner) throws SQLException {
        try (Connection c = admin.open(server)) {
            AdminSql.run(c, "SELECT pg_catalog.format('CREATE DATABASE %I OWNER %I', ?, ?)", database, owner);
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) { // duplicate_database
                throw new TargetExistsException(database);
            }
            throw e;
        }
    }

    /** PUBLIC may connect to a new database by default; a verification's database is its login's alone. */
    private void closeToOthers(ClusterAddress server, String database) throws SQLException {
        try (Connection c = admin.open(server)) {
            AdminSql.run(c, "SELECT pg_catalog.format('REVOKE ALL ON DATABASE %I FROM PUBLIC', ?)", database);
        }
    }

    private DatabaseFingerprint readAs(ClusterAddress server, String database, RestoreLogin login) throws SQLException {
        try (Connection restored = logins.open(server, database, login)) {
            return DatabaseFingerprint.read(restored);
        }
    }

    private void dropDatabase(ClusterAddress server, String database) throws SQLException {
        try (Connection c = admin.open(server)) {
            AdminSql.run(c, "SELECT pg_catalog.format('DROP DATABASE IF EXISTS %I WITH (FORCE)', ?)", database);
        }
    }

    private interface CleanUpStep {
        void run() throws SQLException;
    }

    /** A clean-up that fails is logged, not thrown: it must not hide why the restore itself failed. */
    private static void cleanUp(RestoreLogin login, CleanUpStep step) {
        try {
            step.run();
        } catch (SQLException e) {
            LOG.warnf("clean-up after the restore as %s failed (SQLSTATE %s); its password expires in a day",
                    login.role(), e.getSQLState());
        }
    }

    /** Content where the manifest recorded it (version 2), row counts for a version 1 manifest. */
    private static Restored compare(Manifest manifest, DatabaseFingerprint restored) {
        return compare(manifest.fingerprint(), manifest.tableRows(), restored, List.of());
    }

    private static Restored compare(Optional<DatabaseFingerprint> dumpedContent, Map<String, Long> dumpedRows,
                                    DatabaseFingerprint restored, List<String> referencesNotRestored) {
        String difference = dumpedContent
                .map(dumped -> String.join("; ", DatabaseFingerprint.differences(dumped, restored)))
                .orElseGet(() -> difference(dumpedRows, restored.rows()));
        return new Restored(restored.rows(), difference.isEmpty(), difference, referencesNotRestored);
    }

    static String difference(Map<String, Long> expected, Map<String, Long> actual) {
        StringBuilder difference = new StringBuilder();
        for (String table : new TreeSet<>(union(expected, actual))) {
            Long want = expected.get(table);
            Long got = actual.get(table);
            if (want == null || !want.equals(got)) {
                if (difference.length() > 0) {
                    difference.append("; ");
                }
                difference.append(table).append(": dumped ").append(want == null ? "none" : want)
                        .append(", restored ").append(got == null ? "none" : got);
            }
        }
        return difference.toString();
    }

    private static Set<String> union(Map<String, Long> a, Map<String, Long> b) {
        Set<String> all = new HashSet<>(a.keySet());
        all.addAll(b.keySet());
        return all;
    }
}
