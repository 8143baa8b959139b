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
 *
 * <p>It reads the target as the cluster's admin, in a database the team owns:
 * every function, operator and catalog is schema-qualified, so an exact-type
 * overload the team put in {@code public} can never be picked (the session's
 * {@code search_path} is fixed too, by {@code Endpoint.connect}).
 */
public final class Inspector {

    /** Schemas that are never the application's. */
    static final String USER_SCHEMAS = "n.nspname OPERATOR(pg_catalog.!~) '^(pg_catalog$|information_schema$|pg_)'";

    private static final String TABLES = """
            SELECT n.nspname, c.relname, pg_catalog.pg_total_relation_size(c.oid),
                   greatest(c.reltuples, 0)::pg_catalog.int8,
                   coalesce((SELECT pg_catalog.array_agg(a.attname ORDER BY k.ord)
                             FROM pg_catalog.pg_index i
                             CROSS JOIN LATERAL pg_catalog.unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                             JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid
                                                           AND a.attnum OPERATOR(pg_catalog.=) k.attnum
                             WHERE i.indrelid OPERATOR(pg_catalog.=) c.oid AND i.indisprimary), '{}')
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
            WHERE c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p}') AND NOT c.relispartition AND %s
              AND NOT EXISTS (%s)
            ORDER BY 1, 2""".formatted(USER_SCHEMAS, extensionMember("pg_class", "c.oid"));
    private static final String SEQUENCES = """
            SELECT schemaname, sequencename, last_value FROM pg_catalog.pg_sequences
            WHERE schemaname OPERATOR(pg_catalog.<>) ALL ('{pg_catalog,information_schema}') ORDER BY 1, 2""";
    private static final String SCHEMAS = "SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE " + USER_SCHEMAS
            + " AND NOT EXISTS (" + extensionMember("pg_namespace", "n.oid") + ") ORDER BY 1";
    private static final String USER_OBJECTS = "SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
            + " WHERE c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p,v,m,S,f}') AND " + USER_SCHEMAS
            + " AND NOT EXISTS (" + extensionMember("pg_class", "c.oid") + ")";
    private static final String SERVER = """
            SELECT pg_catalog.current_setting('server_version'),
                   pg_catalog.current_setting('server_version_num')::pg_catalog.int4,
                   pg_catalog.pg_get_userbyid(d.datdba), pg_catalog.pg_database_size(d.oid),
                   pg_catalog.current_setting('wal_level') OPERATOR(pg_catalog.=) 'logical',
                   (SELECT rolsuper OR rolreplication FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) current_user),
                   (SELECT pg_catalog.count(*) FROM pg_catalog.pg_largeobject_metadata)
            FROM pg_catalog.pg_database d WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()""";

    private Inspector() {
    }

    /** The source: its installed extensions. */
    public static DatabaseProfile source(Connection connection) throws SQLException {
        return read(connection, "SELECT extname FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.<>) 'plpgsql'");
    }

    /** The target: the extensions it could install. */
    public static DatabaseProfile target(Connection connection) throws SQLException {
        return read(connection, "SELECT name FROM pg_catalog.pg_available_extensions");
    }

    private static DatabaseProfile read(Connection connection, String extensionQuery) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SERVER); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new DatabaseProfile(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getLong(4),
                    strings(connection, extensionQuery), List.copyOf(strings(connection, SCHEMAS)), tables(connection),
                    sequences(connection), rs.getLong(7), count(connection, USER_OBJECTS), rs.getBoolean(5), rs.getBoolean(6));
        }
    }

    /** A subquery that finds the object {@code oid} of catalog {@code catalog} among an extension's members. */
    private static String extensionMember(String catalog, String oid) {
        return "SELECT FROM pg_catalog.pg_depend d WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog." + catalog
                + "'::pg_catalog.regclass AND d.objid OPERATOR(pg_catalog.=) " + oid
                + " AND d.deptype OPERATOR(pg_catalog.=) 'e'";
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
