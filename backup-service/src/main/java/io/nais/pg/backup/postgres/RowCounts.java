package io.nais.pg.backup.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rows per table ({@code schema.table}) of a database: recorded at dump time
 * in the dump's own snapshot, and compared after a restore.
 *
 * <p>One statement counts every ordinary table; the per-table query is built
 * server-side with {@code pg_catalog.format('%I.%I')}, so identifiers are quoted by
 * PostgreSQL itself. Partitioned parents are skipped (their rows are counted
 * in the partitions), and so are the system schemas.
 *
 * <p>At dump time the count runs alongside pg_dump, so it runs without
 * parallel workers ({@link #countBesideADump}): PostgreSQL otherwise plans a
 * large table's {@code count(*)} with two workers (a parallel index-only or
 * seq scan), three processes that take the cores pg_dump's compression and its
 * COPY backend need, and more CPU in all (1 GB pgbench database: 0.44 s alone,
 * 0.53-0.61 s with two workers), for no gain in wall time when the cores are busy.
 */
public final class RowCounts {

    /**
     * Every function, operator and relation is schema-qualified: the count
     * runs as the cluster admin in a database whose {@code public} the team
     * owns, and an exact-type {@code public.format(text, name, name)} would
     * otherwise win over {@code pg_catalog.format(text, VARIADIC "any")}.
     */
    private static final String COUNT_EVERY_TABLE = """
            SELECT pg_catalog.concat_ws('.', n.nspname, c.relname) AS table_name,
                   (pg_catalog.xpath('/row/n/text()',
                          pg_catalog.query_to_xml(
                              pg_catalog.format('SELECT pg_catalog.count(*) AS n FROM %I.%I', n.nspname, c.relname),
                              false, true, '')))[1]::pg_catalog.text::pg_catalog.int8 AS row_count
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
             WHERE c.relkind OPERATOR(pg_catalog.=) 'r'
               AND n.nspname OPERATOR(pg_catalog.!~) '^(pg_catalog$|information_schema$|pg_toast|pg_temp)'
             ORDER BY 1
            """;

    private RowCounts() {
    }

    /** Counts in the connection's current transaction (so in its snapshot). */
    public static Map<String, Long> count(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return count(statement);
        }
    }

    /**
     * As {@link #count(Connection)}, in one backend: parallel workers are off
     * for the rest of the connection's transaction (which must be open: the
     * dump's snapshot transaction), so the count does not compete with pg_dump
     * for the cores. {@code SET LOCAL} ends with that transaction.
     */
    public static Map<String, Long> countBesideADump(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL max_parallel_workers_per_gather = 0");
            return count(statement);
        }
    }

    private static Map<String, Long> count(Statement statement) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (ResultSet rows = statement.executeQuery(COUNT_EVERY_TABLE)) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    public static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
