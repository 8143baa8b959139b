package io.nais.pg.backup.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a database holds, for comparing a restore with its backup beyond row
 * counts: per table its rows and a checksum of their content, per table its
 * index definitions, per sequence its last value. Recorded at dump time in the
 * dump's snapshot (the manifest keeps it) and read again from the restored
 * database as the restore's own login; {@link #differences} names what differs
 * (tables, indexes, sequences), never a row's values.
 *
 * <p>The checksum is migration's ({@code migration/.../verify/TableChecksum}):
 * the sum of the 128-bit md5 of every row's text form, as two 64-bit halves
 * summed into numerics, computed in the server, so nothing but three numbers
 * per table leaves it and row order does not matter. It is one query here (the
 * per-table statement built server-side with {@code pg_catalog.format('%I.%I')},
 * as {@link RowCounts} does), not migration's class: migration is a CLI module
 * that shares no module with this service but {@code events}, which holds event
 * records only. A row's text is taken by {@code pg_catalog.record_out}, not by
 * a cast ({@code t::text}, as migration does): the team owns its tables' row
 * types and may {@code CREATE CAST} one to text with a function of its own,
 * which a cast would run here as the admin. Row text depends on session
 * settings, so both sides read with the same ones ({@link #CANONICAL}). Every function, operator and catalog is
 * schema-qualified: at dump time this runs as the cluster's admin in a
 * database whose {@code public} the team owns.
 *
 * <p>Sequences are not transactional: pg_dump reads their values after this
 * does (it is read before pg_dump starts), so a restored sequence may be
 * ahead of the recorded value on a busy cluster, never behind.
 */
public record DatabaseFingerprint(Map<String, Long> rows, Map<String, String> checksums,
                                  Map<String, Map<String, String>> indexes, Map<String, SequenceValue> sequences) {

    /** A sequence's last value ({@code null} before its first {@code nextval}) and its direction. */
    public record SequenceValue(Long lastValue, long increment) {
    }

    private static final String USER_SCHEMAS =
            "OPERATOR(pg_catalog.!~) '^(pg_catalog$|information_schema$|pg_toast|pg_temp)'";

    /** Row text (dates, intervals, floats, bytea, money, regclass) the same in every session that reads it. */
    private static final String CANONICAL = """
            SELECT pg_catalog.set_config('DateStyle', 'ISO, MDY', true),
                   pg_catalog.set_config('IntervalStyle', 'postgres', true),
                   pg_catalog.set_config('TimeZone', 'UTC', true),
                   pg_catalog.set_config('extra_float_digits', '3', true),
                   pg_catalog.set_config('bytea_output', 'hex', true),
                   pg_catalog.set_config('lc_monetary', 'C', true),
                   pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true)
            """;

    private static final String TABLES = """
            SELECT t.table_name,
                   (pg_catalog.xpath('/row/n/text()', t.doc))[1]::pg_catalog.text::pg_catalog.int8,
                   (pg_catalog.xpath('/row/a/text()', t.doc))[1]::pg_catalog.text
                       OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||)
                   (pg_catalog.xpath('/row/b/text()', t.doc))[1]::pg_catalog.text
              FROM (SELECT pg_catalog.concat_ws('.', n.nspname, c.relname) AS table_name,
                           pg_catalog.query_to_xml(pg_catalog.format(
                               'SELECT pg_catalog.count(*) AS n,'
                               ' coalesce(pg_catalog.sum((''x'' OPERATOR(pg_catalog.||) pg_catalog.substr(h, 1, 16))::pg_catalog.bit(64)::pg_catalog.int8), 0) AS a,'
                               ' coalesce(pg_catalog.sum((''x'' OPERATOR(pg_catalog.||) pg_catalog.substr(h, 17, 16))::pg_catalog.bit(64)::pg_catalog.int8), 0) AS b'
                               ' FROM (SELECT pg_catalog.md5(pg_catalog.textin(pg_catalog.record_out(t))) AS h FROM ONLY %I.%I AS t) AS r',
                               n.nspname, c.relname), false, true, '') AS doc
                      FROM pg_catalog.pg_class c
                      JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
                     WHERE c.relkind OPERATOR(pg_catalog.=) 'r'
                       AND n.nspname USER_SCHEMAS) AS t
             ORDER BY 1
            """.replace("USER_SCHEMAS", USER_SCHEMAS);

    private static final String INDEXES = """
            SELECT pg_catalog.concat_ws('.', schemaname, tablename), indexname, indexdef
              FROM pg_catalog.pg_indexes
             WHERE schemaname USER_SCHEMAS
            """.replace("USER_SCHEMAS", USER_SCHEMAS);

    private static final String SEQUENCES = """
            SELECT pg_catalog.concat_ws('.', schemaname, sequencename), last_value, increment_by
              FROM pg_catalog.pg_sequences
             WHERE schemaname USER_SCHEMAS
            """.replace("USER_SCHEMAS", USER_SCHEMAS);

    /**
     * Reads in the connection's open transaction (the dump's snapshot), in one
     * backend ({@code max_parallel_workers_per_gather = 0}, as {@link
     * RowCounts#countBesideADump}) so it does not take pg_dump's cores.
     */
    public static DatabaseFingerprint readBesideADump(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_catalog.set_config('max_parallel_workers_per_gather', '0', true)");
            return read(statement);
        }
    }

    /** Reads in a transaction of its own (a restored database, as the restore's login). */
    public static DatabaseFingerprint read(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            return read(statement);
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
    }

    private static DatabaseFingerprint read(Statement statement) throws SQLException {
        statement.execute(CANONICAL);
        Map<String, Long> rows = new TreeMap<>();
        Map<String, String> checksums = new TreeMap<>();
        try (ResultSet rs = statement.executeQuery(TABLES)) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getLong(2));
                checksums.put(rs.getString(1), rs.getString(3));
            }
        }
        Map<String, Map<String, String>> indexes = new TreeMap<>();
        try (ResultSet rs = statement.executeQuery(INDEXES)) {
            while (rs.next()) {
                indexes.computeIfAbsent(rs.getString(1), table -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
            }
        }
        return new DatabaseFingerprint(rows, checksums, indexes, sequences(statement));
    }

    /** Sequences alone: read before pg_dump starts, so pg_dump's values are never behind these. */
    public static Map<String, SequenceValue> sequences(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(CANONICAL);
            return sequences(statement);
        }
    }

    private static Map<String, SequenceValue> sequences(Statement statement) throws SQLException {
        Map<String, SequenceValue> sequences = new TreeMap<>();
        try (ResultSet rs = statement.executeQuery(SEQUENCES)) {
            while (rs.next()) {
                sequences.put(rs.getString(1), new SequenceValue((Long) rs.getObject(2), rs.getLong(3)));
            }
        }
        return sequences;
    }

    /** This fingerprint with the sequences read at another moment (before the dump started). */
    public DatabaseFingerprint withSequences(Map<String, SequenceValue> readEarlier) {
        return new DatabaseFingerprint(rows, checksums, indexes, readEarlier);
    }

    /** This fingerprint narrowed to {@code tables} ({@code schema.table}) and {@code sequences}: a restore of some tables. */
    public DatabaseFingerprint only(Set<String> tables, Set<String> sequences) {
        return new DatabaseFingerprint(narrowed(rows, tables), narrowed(checksums, tables), narrowed(indexes, tables),
                narrowed(this.sequences, sequences));
    }

    /** The entries of {@code all} whose key is one of {@code keys}. */
    public static <V> Map<String, V> narrowed(Map<String, V> all, Set<String> keys) {
        Map<String, V> kept = new TreeMap<>(all);
        kept.keySet().retainAll(keys);
        return kept;
    }

    /**
     * What a restore lost or changed, one entry per table, index or sequence,
     * naming it and what differed; empty when the restore holds what was dumped.
     */
    public static List<String> differences(DatabaseFingerprint dumped, DatabaseFingerprint restored) {
        List<String> differences = new ArrayList<>();
        for (String table : union(dumped.rows.keySet(), restored.rows.keySet())) {
            Long want = dumped.rows.get(table);
            Long got = restored.rows.get(table);
            if (want == null || got == null) {
                differences.add(table + ": table " + (got == null ? "missing" : "not in the backup"));
            } else if (!want.equals(got)) {
                differences.add(table + ": rows dumped " + want + ", restored " + got);
            } else if (!Objects.equals(dumped.checksums.get(table), restored.checksums.get(table))) {
                differences.add(table + ": content differs (checksum)");
            }
        }
        for (String table : union(dumped.indexes.keySet(), restored.indexes.keySet())) {
            Map<String, String> want = dumped.indexes.getOrDefault(table, Map.of());
            Map<String, String> got = restored.indexes.getOrDefault(table, Map.of());
            for (String index : union(want.keySet(), got.keySet())) {
                if (!got.containsKey(index)) {
                    differences.add(table + ": index " + index + " missing");
                } else if (!want.containsKey(index)) {
                    differences.add(table + ": index " + index + " not in the backup");
                } else if (!want.get(index).equals(got.get(index))) {
                    differences.add(table + ": index " + index + " defined differently");
                }
            }
        }
        for (String sequence : union(dumped.sequences.keySet(), restored.sequences.keySet())) {
            SequenceValue want = dumped.sequences.get(sequence);
            SequenceValue got = restored.sequences.get(sequence);
            if (got == null) {
                differences.add(sequence + ": sequence missing");
            } else if (want == null) {
                differences.add(sequence + ": sequence not in the backup");
            } else if (behind(want, got)) {
                differences.add(sequence + ": sequence behind the backup's value");
            }
        }
        return differences;
    }

    /** Restored behind dumped in the sequence's direction (a reset); ahead is a busy cluster's nextval meanwhile. */
    private static boolean behind(SequenceValue dumped, SequenceValue restored) {
        if (dumped.lastValue() == null) {
            return false;
        }
        if (restored.lastValue() == null) {
            return true;
        }
        return dumped.increment() >= 0 ? restored.lastValue() < dumped.lastValue()
                : restored.lastValue() > dumped.lastValue();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
