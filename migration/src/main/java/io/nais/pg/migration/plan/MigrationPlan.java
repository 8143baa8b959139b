package io.nais.pg.migration.plan;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The decision whether a migration may start, from the two profiles alone (no
 * I/O): blockers stop it, warnings are printed. Safe to compute again: a plan
 * changes nothing.
 */
public record MigrationPlan(Mode mode, DatabaseProfile source, DatabaseProfile target, List<String> blockers,
        List<String> warnings, Duration estimate) {

    /**
     * Throughput the estimate assumes for dump mode: a conservative figure for
     * one pg_dump | pg_restore stream; bench/migration-dump.sh measures the real one.
     */
    static final long DUMP_BYTES_PER_SECOND = 40L * 1024 * 1024;

    public MigrationPlan {
        blockers = List.copyOf(blockers);
        warnings = List.copyOf(warnings);
    }

    public static MigrationPlan of(Mode mode, DatabaseProfile source, DatabaseProfile target, boolean force) {
        List<String> blockers = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        checkVersions(source, target, blockers, warnings);
        checkExtensions(source, target, blockers);
        checkTargetEmpty(target, force, blockers, warnings);
        if (mode == Mode.REPLICATE) {
            checkReplicable(source, blockers);
        } else if (!source.tablesWithoutPrimaryKey().isEmpty()) {
            warnings.add(source.tablesWithoutPrimaryKey().size() + " table(s) without a primary key: fine for dump mode, "
                    + "a blocker for replicate mode");
        }
        if (source.largeObjects() > 0) {
            String note = source.largeObjects() + " large object(s)";
            if (mode == Mode.REPLICATE) {
                blockers.add(note + ": logical replication does not copy large objects; use --mode dump");
            } else {
                warnings.add(note + ": copied by the dump, not covered by the table checksums");
            }
        }
        return new MigrationPlan(mode, source, target, blockers, warnings, estimate(mode, source));
    }

    public boolean blocked() {
        return !blockers.isEmpty();
    }

    /** The printed plan: what moves, what blocks, how long it should take. */
    public void print(PrintWriter out) {
        out.printf("plan (%s mode)%n", mode.label());
        out.printf("  source  PostgreSQL %s, %s, %d schema(s), %d table(s), %d sequence(s), %d large object(s)%n",
                source.serverVersion(), Bytes.human(source.databaseBytes()), source.schemas().size(), source.tables().size(),
                source.sequences().size(), source.largeObjects());
        out.printf("  target  PostgreSQL %s, owner role %s, %d existing relation(s)%n", target.serverVersion(), target.owner(),
                target.userObjects());
        out.printf("  schemas %s%n", String.join(", ", source.schemas()));
        out.printf("  extensions %s%n", source.extensions().isEmpty() ? "(none)" : String.join(", ", source.extensions()));
        out.printf("  %-40s %12s %12s  %s%n", "table", "size", "~rows", "primary key");
        for (TableInfo table : source.tables()) {
            out.printf("  %-40s %12s %12d  %s%n", table.qualifiedName(), Bytes.human(table.bytes()), table.estimatedRows(),
                    table.hasPrimaryKey() ? String.join(", ", table.primaryKey()) : "NONE");
        }
        warnings.forEach(w -> out.println("  warning: " + w));
        blockers.forEach(b -> out.println("  BLOCKER: " + b));
        out.printf("  estimate: about %s for the copy (%s at ~%s/s), plus verification%n", Bytes.duration(estimate),
                Bytes.human(source.tableBytes()), Bytes.human(DUMP_BYTES_PER_SECOND));
        out.flush();
    }

    private static void checkVersions(DatabaseProfile source, DatabaseProfile target, List<String> blockers, List<String> warnings) {
        if (target.majorVersion() < source.majorVersion()) {
            blockers.add("the target runs PostgreSQL " + target.majorVersion() + ", older than the source's "
                    + source.majorVersion() + ": pg_restore cannot move a database down a major version");
        } else if (target.majorVersion() > source.majorVersion()) {
            warnings.add("upgrade from PostgreSQL " + source.majorVersion() + " to " + target.majorVersion());
        }
    }

    private static void checkExtensions(DatabaseProfile source, DatabaseProfile target, List<String> blockers) {
        for (String extension : source.extensions()) {
            if (!target.extensions().contains(extension)) {
                blockers.add("extension " + extension + " is used on the source but not available on the target");
            }
        }
    }

    private static void checkTargetEmpty(DatabaseProfile target, boolean force, List<String> blockers, List<String> warnings) {
        if (target.userObjects() == 0) {
            return;
        }
        if (force) {
            warnings.add("the target is not empty (" + target.userObjects() + " relation(s)); --force replaces objects of the same name");
        } else {
            blockers.add("the target database is not empty (" + target.userObjects()
                    + " relation(s)); pass --force to replace objects of the same name");
        }
    }

    private static void checkReplicable(DatabaseProfile source, List<String> blockers) {
        for (TableInfo table : source.tablesWithoutPrimaryKey()) {
            blockers.add("table " + table.qualifiedName() + " has no primary key: logical replication cannot apply its "
                    + "updates and deletes; add one or use --mode dump");
        }
        if (!source.logicalWal()) {
            blockers.add("the source's wal_level is not logical (Cloud SQL: set the flag cloudsql.logical_decoding=on)");
        }
        if (!source.canReplicate()) {
            blockers.add("the source user lacks the REPLICATION attribute (Cloud SQL: ALTER USER … WITH REPLICATION)");
        }
    }

    private static Duration estimate(Mode mode, DatabaseProfile source) {
        long seconds = Math.max(1, source.tableBytes() / DUMP_BYTES_PER_SECOND);
        return Duration.ofSeconds(seconds);
    }
}
