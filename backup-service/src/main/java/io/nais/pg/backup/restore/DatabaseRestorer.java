package io.nais.pg.backup.restore;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.nais.pg.backup.crypto.AgeIdentities;
import io.nais.pg.backup.dump.Manifest;
import io.nais.pg.backup.postgres.ConnInfo;
import io.nais.pg.backup.postgres.RowCounts;
import io.nais.pg.kit.clusters.AdminCredentials;
import io.nais.pg.kit.clusters.ClusterAdminConnections;
import io.nais.pg.kit.clusters.ClusterAdminConnections.ClusterAddress;

/**
 * Restores a backup into a NEW database on a server and counts what arrived:
 * check the SHA-256, create the database, decrypt and pg_restore into it,
 * count rows per table, compare with the manifest. Shared by the scheduled
 * verification (scratch server, dropped afterwards) and the operator's restore.
 */
@ApplicationScoped
public class DatabaseRestorer {

    private final BackupReader reader;
    private final ClusterAdminConnections admin;

    DatabaseRestorer(BackupReader reader, ClusterAdminConnections admin) {
        this.reader = reader;
        this.admin = admin;
    }

    /** What a restore held, and how it compares with the counts taken at dump time. */
    public record Restored(Map<String, Long> tableRows, boolean matchesManifest, String difference) {
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

    public Restored restoreInto(Manifest manifest, AgeIdentities identities, ClusterAddress server, String database,
                                boolean keepOwnership) throws IOException, SQLException, InterruptedException {
        reader.checkSha256(manifest);
        createDatabase(server, database);
        AdminCredentials credentials = admin.credentials(server.adminSecretRef());
        ConnInfo target = new ConnInfo(server.host(), server.port(), database, credentials.username());
        reader.restore(manifest, identities, target, credentials.password(), keepOwnership);
        Map<String, Long> counted;
        try (Connection restored = admin.open(onDatabase(server, database))) {
            counted = RowCounts.count(restored);
        }
        String difference = difference(manifest.tableRows(), counted);
        return new Restored(counted, difference.isEmpty(), difference);
    }

    /** Drops a database (scratch clean-up), closing any session still on it. */
    public void dropDatabase(ClusterAddress server, String database) throws SQLException {
        try (Connection c = admin.open(server)) {
            execute(c, serverQuoted(c, "SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', ?)", database));
        }
    }

    private void createDatabase(ClusterAddress server, String database) throws SQLException {
        try (Connection c = admin.open(server)) {
            execute(c, serverQuoted(c, "SELECT format('CREATE DATABASE %I', ?)", database));
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) { // duplicate_database
                throw new TargetExistsException(database);
            }
            throw e;
        }
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

    private static java.util.Set<String> union(Map<String, Long> a, Map<String, Long> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a.keySet());
        all.addAll(b.keySet());
        return all;
    }

    private static ClusterAddress onDatabase(ClusterAddress server, String database) {
        return new ClusterAddress(server.host(), server.port(), database, server.adminSecretRef());
    }

    /** CREATE/DROP DATABASE take no parameters; the identifier is quoted by the server's format('%I'). */
    private static String serverQuoted(Connection c, String formatQuery, String identifier) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(formatQuery)) {
            ps.setString(1, identifier);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }
}
