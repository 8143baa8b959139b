package io.nais.pg.backup.restore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which entries of a dump's table of contents ({@code pg_restore --list --verbose})
 * a restore of some of its tables needs, as a {@code --use-list} for pg_restore.
 * Pure: it reads the listing's text and nothing else.
 *
 * <p>{@code pg_restore --table} alone restores a table and its rows, without its
 * sequences, indexes, constraints or triggers, and cannot name a table in one schema
 * beside one in another. So the tables are found by pg_restore's own exact name
 * match ({@code --schema=s --table=t --list}: {@link #tablesIn}), and from them the
 * listing's dependencies ({@code ; depends on: …}) decide the rest:
 * <ol>
 *   <li>everything attached to a chosen table or sequence comes along: its rows,
 *       indexes, constraints, defaults, triggers, policies, comments, grants, and
 *       the sequences it owns (serial and identity columns depend on their table)
 *       with their values; an entry attached to another table too comes only when
 *       that table comes as well;</li>
 *   <li>what those need to be created (schema, types, functions, extensions) comes too,
 *       but never another table: that would bring back an object nobody asked for;</li>
 *   <li>a foreign key of a chosen table to a table that is not chosen is left out, and
 *       reported: creating it would fail, and dropping it silently would hide it.</li>
 * </ol>
 * The list keeps the archive's order, which a streamed (non-seekable) archive
 * needs. Table names are matched by pg_restore and never parsed out of the
 * listing for selection; they are recognised only to name a left-out foreign key.
 */
final class TableSelection {

    /** An entry of the listing: {@code <dumpId>; <catalog oid> <object oid> <desc> <schema> <name> <owner>}. */
    record Entry(int dumpId, long catalog, String kind, String text, String line, List<Integer> dependsOn) {
    }

    /** A requested table, split at the first dot of {@code schema.table}. */
    record Table(String schema, String name) {
        String qualified() {
            return schema + "." + name;
        }
    }

    /** What to restore ({@code --use-list} lines, in archive order) and the foreign keys left out. */
    record Selection(List<String> useList, List<String> referencesNotRestored) {
    }

    private static final Pattern ENTRY = Pattern.compile("^(\\d+); (\\d+) (\\d+) (.*)$");
    private static final String DEPENDS_ON = ";\tdepends on:";
    /** pg_class: tables, views, sequences, indexes. */
    private static final long PG_CLASS = 1259;
    /** pg_attrdef: a column default ("DEFAULT ACL" has a catalog of its own). */
    private static final long PG_ATTRDEF = 2604;

    /** pg_dump's entry kinds, longest first so that "TABLE DATA" is not read as "TABLE". */
    private static final List<String> KINDS = Stream.of(
            "PUBLICATION TABLES IN SCHEMA", "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY",
            "MATERIALIZED VIEW DATA", "FOREIGN DATA WRAPPER", "TEXT SEARCH TEMPLATE", "DATABASE PROPERTIES",
            "PROCEDURAL LANGUAGE", "TEXT SEARCH PARSER", "SEQUENCE OWNED BY", "PUBLICATION TABLE",
            "MATERIALIZED VIEW", "CHECK CONSTRAINT", "OPERATOR FAMILY", "OPERATOR CLASS", "SECURITY LABEL",
            "ACCESS METHOD", "EVENT TRIGGER", "FK CONSTRAINT", "FOREIGN TABLE", "BLOB METADATA", "INDEX ATTACH",
            "LARGE OBJECT", "ROW SECURITY", "SEQUENCE SET", "TABLE ATTACH", "USER MAPPING", "DEFAULT ACL",
            "SUBSCRIPTION", "PUBLICATION", "CONSTRAINT", "CONVERSION", "SHELL TYPE", "STATISTICS", "STDSTRINGS",
            "SEARCHPATH", "AGGREGATE", "COLLATION", "EXTENSION", "PROCEDURE", "TRANSFORM", "DATABASE", "ENCODING",
            "FUNCTION", "OPERATOR", "SEQUENCE", "TRIGGER", "COMMENT", "DEFAULT", "DOMAIN", "POLICY", "SCHEMA",
            "SERVER", "BLOBS", "INDEX", "TABLE", "BLOB", "CAST", "RULE", "TYPE", "VIEW", "ACL", "TABLE DATA")
            .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    /** Kinds whose entries carry no catalog (0): a catalog-bearing entry is never one of them. */
    private static final Set<String> WITHOUT_CATALOG = Set.of("TABLE DATA", "SEQUENCE SET", "SEQUENCE OWNED BY",
            "TABLE ATTACH", "INDEX ATTACH", "MATERIALIZED VIEW DATA", "COMMENT", "ACL", "SECURITY LABEL",
            "DATABASE PROPERTIES", "BLOBS", "ENCODING", "STDSTRINGS", "SEARCHPATH");
    /** Objects holding rows (or naming a relation): never brought along unless chosen. */
    private static final Set<String> RELATIONS = Set.of("TABLE", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE",
            "SEQUENCE");
    /** What belongs to the table (or sequence) it depends on, and comes with it. */
    private static final Set<String> ATTACHED = Set.of("TABLE DATA", "SEQUENCE", "SEQUENCE OWNED BY",
            "SEQUENCE SET", "DEFAULT", "CONSTRAINT", "CHECK CONSTRAINT", "FK CONSTRAINT", "INDEX", "TRIGGER",
            "RULE", "POLICY", "ROW SECURITY", "COMMENT", "ACL", "SECURITY LABEL", "STATISTICS");
    /** Session settings of the archive, which every restore applies. */
    private static final Set<String> ALWAYS = Set.of("ENCODING", "STDSTRINGS", "SEARCHPATH");

    private TableSelection() {
    }

    /**
     * The requested {@code schema.table} names, each of which must be a table the
     * manifest lists ({@code held}); otherwise {@link DatabaseRestorer.UnknownTablesException} names
     * the unknown ones and every table the backup holds.
     */
    static List<Table> requested(List<String> names, Set<String> held) {
        List<String> unknown = names.stream().filter(name -> !held.contains(name)).toList();
        if (!unknown.isEmpty() || names.isEmpty()) {
            throw new DatabaseRestorer.UnknownTablesException(unknown.isEmpty() ? List.of("(none named)") : unknown, held);
        }
        return names.stream().distinct().map(name -> {
            int dot = name.indexOf('.');
            return new Table(name.substring(0, dot), name.substring(dot + 1));
        }).toList();
    }

    /** pg_restore's options that list the entries of {@code tables} (all of one schema) and nothing else. */
    static List<String> listingOptions(String schema, List<Table> tables) {
        List<String> options = new ArrayList<>(List.of("--schema=" + schema));
        // the attached form: a name starting with '-' is the option's value, never an option of its own
        tables.forEach(table -> options.add("--table=" + table.name()));
        return options;
    }

    /** The requested tables grouped by schema, one pg_restore listing each (its -n/-t pairs would cross). */
    static Map<String, List<Table>> bySchema(List<Table> tables) {
        Map<String, List<Table>> grouped = new LinkedHashMap<>();
        tables.forEach(table -> grouped.computeIfAbsent(table.schema(), s -> new ArrayList<>()).add(table));
        return grouped;
    }

    /** Parses a listing ({@code --list --verbose}): entries with their dependencies, comments skipped. */
    static List<Entry> parse(List<String> listing) {
        List<Entry> entries = new ArrayList<>();
        for (String line : listing) {
            if (line.startsWith(DEPENDS_ON) && !entries.isEmpty()) {
                Entry last = entries.remove(entries.size() - 1);
                List<Integer> dependsOn = new ArrayList<>(last.dependsOn());
                for (String id : line.substring(DEPENDS_ON.length()).trim().split("\\s+")) {
                    dependsOn.add(Integer.parseInt(id));
                }
                entries.add(new Entry(last.dumpId(), last.catalog(), last.kind(), last.text(), last.line(),
                        List.copyOf(dependsOn)));
                continue;
            }
            Matcher entry = ENTRY.matcher(line);
            if (entry.matches()) {
                long catalog = Long.parseLong(entry.group(2));
                String rest = entry.group(4);
                String kind = kindOf(catalog, rest);
                entries.add(new Entry(Integer.parseInt(entry.group(1)), catalog, kind,
                        rest.substring(Math.min(rest.length(), kind.length() + 1)), line, List.of()));
            }
        }
        return entries;
    }

    /** The dump ids of the tables in a listing pg_restore filtered by name ({@link #listingOptions}). */
    static Set<Integer> tablesIn(List<Entry> filtered) {
        Set<Integer> tables = new LinkedHashSet<>();
        filtered.stream().filter(e -> "TABLE".equals(e.kind())).forEach(e -> tables.add(e.dumpId()));
        return tables;
    }

    /**
     * The entries to restore for the chosen {@code tables} (dump ids) out of
     * {@code toc}; {@code held} (the manifest's {@code schema.table} names) only
     * names the tables in the report of left-out foreign keys.
     */
    static Selection select(List<Entry> toc, Set<Integer> tables, Set<String> held) {
        Map<Integer, Entry> byId = new LinkedHashMap<>();
        toc.forEach(e -> byId.put(e.dumpId(), e));
        Set<Integer> chosen = new LinkedHashSet<>(tables);
        attach(toc, byId, chosen);
        require(byId, chosen);
        List<String> useList = toc.stream()
                .filter(e -> chosen.contains(e.dumpId()) || ALWAYS.contains(e.kind()))
                .map(Entry::line).toList();
        return new Selection(useList, leftOut(toc, byId, tables, chosen, held));
    }

    /** Step 1, to a fixed point: what is attached to chosen objects only. */
    private static void attach(List<Entry> toc, Map<Integer, Entry> byId, Set<Integer> chosen) {
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Entry e : toc) {
                if (chosen.contains(e.dumpId()) || !ATTACHED.contains(e.kind())
                        || e.dependsOn().stream().noneMatch(chosen::contains)) {
                    continue;
                }
                boolean onlyChosen = e.dependsOn().stream().map(byId::get)
                        .filter(d -> d != null && (RELATIONS.contains(d.kind()) || ATTACHED.contains(d.kind())))
                        .allMatch(d -> chosen.contains(d.dumpId()));
                if (onlyChosen) {
                    grew |= chosen.add(e.dumpId());
                }
            }
        }
    }

    /** Step 2: what the chosen entries need created first, never another relation or what is attached to one. */
    private static void require(Map<Integer, Entry> byId, Set<Integer> chosen) {
        List<Integer> pending = new ArrayList<>(chosen);
        while (!pending.isEmpty()) {
            Entry e = byId.get(pending.remove(pending.size() - 1));
            for (int id : e.dependsOn()) {
                Entry needed = byId.get(id);
                if (needed != null && !chosen.contains(id) && !RELATIONS.contains(needed.kind())
                        && !ATTACHED.contains(needed.kind()) && chosen.add(id)) {
                    pending.add(id);
                }
            }
        }
    }

    /** Step 3: foreign keys of chosen tables that reference a table not chosen, named for the report. */
    private static List<String> leftOut(List<Entry> toc, Map<Integer, Entry> byId, Set<Integer> tables,
                                        Set<Integer> chosen, Set<String> held) {
        List<String> report = new ArrayList<>();
        for (Entry fk : toc) {
            if (!"FK CONSTRAINT".equals(fk.kind()) || chosen.contains(fk.dumpId())) {
                continue;
            }
            List<Entry> dependedTables = fk.dependsOn().stream().map(byId::get)
                    .filter(d -> d != null && "TABLE".equals(d.kind())).toList();
            Optional<Entry> own = dependedTables.stream().filter(t -> tables.contains(t.dumpId()))
                    .filter(t -> nameOf(t, held).map(name -> fk.text().startsWith(spaced(name) + " ")).orElse(false))
                    .findFirst();
            if (own.isEmpty()) {
                continue; // a key of a table not restored (to one that is): nothing of the restored tables is missing
            }
            String ownName = nameOf(own.get(), held).orElseThrow();
            String constraint = fk.text().substring(spaced(ownName).length() + 1);
            String owner = own.get().text().substring(spaced(ownName).length()).trim();
            if (!owner.isEmpty() && constraint.endsWith(" " + owner)) {
                constraint = constraint.substring(0, constraint.length() - owner.length() - 1);
            }
            List<String> referenced = dependedTables.stream().filter(t -> !tables.contains(t.dumpId()))
                    .map(t -> nameOf(t, held).orElse(t.text())).toList();
            report.add(ownName + ": foreign key " + constraint + " references "
                    + String.join(", ", referenced) + ", which was not restored; the key was not created");
        }
        return report;
    }

    /** A table entry's {@code schema.table}: the held name whose {@code schema name} starts its text. */
    private static Optional<String> nameOf(Entry table, Set<String> held) {
        return held.stream().filter(name -> table.text().startsWith(spaced(name) + " "))
                .max((a, b) -> Integer.compare(a.length(), b.length()));
    }

    /** {@code schema.table} as the listing writes it: {@code schema table}. */
    private static String spaced(String qualified) {
        int dot = qualified.indexOf('.');
        return qualified.substring(0, dot) + " " + qualified.substring(dot + 1);
    }

    private static String kindOf(long catalog, String rest) {
        if (catalog == PG_ATTRDEF) {
            return "DEFAULT";
        }
        for (String kind : KINDS) {
            if ((catalog == 0 || !WITHOUT_CATALOG.contains(kind)) && (rest.equals(kind) || rest.startsWith(kind + " "))) {
                return kind;
            }
        }
        return "";
    }
}
