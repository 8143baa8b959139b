package io.nais.pg.migration.plan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@link DatabaseProfile} from the catalogs. Only catalog reads: it
 * runs against the source before anything is decided.
 */
public final class Inspector {

    /** Schemas that are never the application's. */
    static final String USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";

    private static final String TABLES = """
            SELECT n.nspname, c.relname, pg_total_relation_size(c.oid), greatest(c.reltuples, 0)::bigint,
                   coalesce((SELECT array_agg(a.attname ORDER BY k.ord)
                             FROM pg_index i
                             CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                             WHERE i.indrelid = c.oid AND i.indisprimary), '{}')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND %s
              AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            ORDER BY 1, 2""".formatted(USER_SCHEMAS);
    private static final String SEQUENCES = """
            SELECT schemaname, sequencename, last_value FROM pg_sequences
            WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2""";
    private static final String SCHEMAS = "SELECT n.nspname FROM pg_namespace n WHERE " + USER_SCHEMAS
            + " AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')"
            + " ORDER BY 1";
    private static final String USER_OBJECTS = "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND " + USER_SCHEMAS
            + " AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')";
    private static final String SERVER = """
            SELECT current_setting('server_version'), current_setting('server_version_num')::int,
                   pg_get_userbyid(d.datdba), pg_database_size(d.oid), current_setting('wal_level') = 'logical',
                   (SELECT rolsuper OR rolreplication FROM pg_roles WHERE rolname = current_user),
                   (SELECT count(*) FROM pg_largeobject_metadata)
            FROM pg_database d WHERE d.datname = current_database()""";

    private Inspector() {
    }

    /** The source: its installed extensions. */
    public static DatabaseProfile source(Connection connection) throws SQLException {
        return read(connection, "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'");
    }

    /** The target: the extensions it could install. */
    public static DatabaseProfile target(Connection connection) throws SQLException {
        return read(connection, "SELECT name FROM pg_available_extensions");
    }

    private static DatabaseProfile read(Connection connection, String extensionQuery) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SERVER); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new DatabaseProfile(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getLong(4),
                    strings(connection, extensionQuery), List.copyOf(strings(connection, SCHEMAS)), tables(connection),
                    sequences(connection), rs.getLong(7), count(connection, USER_OBJECTS), rs.getBoolean(5), rs.getBoolean(6));
        }
    }

    private static List<TableInfo> tables(Connection connection) throws SQLException {
        List<TableInfo> tables = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(TABLES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tables.add(new TableInfo(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        Arrays.asList((String[]) rs.getArray(5).getArray())));
            }
        }
        return tables;
    }

    private static List<SequenceInfo> sequences(Connection connection) throws SQLException {
        List<SequenceInfo> sequences = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(SEQUENCES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long value = rs.getLong(3);
                sequences.add(new SequenceInfo(rs.getString(1), rs.getString(2), rs.wasNull() ? null : value));
            }
        }
        return sequences;
    }

    private static Set<String> strings(Connection connection, String sql) throws SQLException {
        Set<String> values = new LinkedHashSet<>();
        try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
