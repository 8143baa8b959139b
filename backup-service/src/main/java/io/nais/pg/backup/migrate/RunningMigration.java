package io.nais.pg.backup.migrate;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.UUID;

import io.nais.pg.migration.MigrationProgress;

/**
 * One migration while it runs, in this process's memory: what
 * {@link MigrationProgress} reports, and the plan and report text the
 * migration prints. It never holds the source's URL or password: those live
 * in the task that runs the migration, and go with it.
 */
final class RunningMigration implements MigrationProgress {

    private final UUID migrationId;
    private final String clusterId;
    private final String team;
    private final String requestedBy;
    private final Instant startedAt;
    private final StringWriter printed = new StringWriter();
    private final PrintWriter out = new PrintWriter(printed, true);
    private volatile String stage = "queued";
    private volatile long bytes;
    private volatile long expectedBytes;
    private volatile int tables;
    private volatile long copyStartNanos;

    RunningMigration(UUID migrationId, String clusterId, String team, String requestedBy, Instant startedAt) {
        this.migrationId = migrationId;
        this.clusterId = clusterId;
        this.team = team;
        this.requestedBy = requestedBy;
        this.startedAt = startedAt;
    }

    UUID migrationId() {
        return migrationId;
    }

    String clusterId() {
        return clusterId;
    }

    String team() {
        return team;
    }

    String requestedBy() {
        return requestedBy;
    }

    Instant startedAt() {
        return startedAt;
    }

    /** Where the migration prints its plan and report (the answer's {@code output}). */
    PrintWriter out() {
        return out;
    }

    @Override
    public void stage(String next) {
        if ("copy".equals(next)) {
            copyStartNanos = System.nanoTime();
        }
        stage = next;
    }

    @Override
    public void planned(int sourceTables, long sourceBytes) {
        tables = sourceTables;
        expectedBytes = sourceBytes;
    }

    @Override
    public void copied(long soFar) {
        bytes = soFar;
    }

    MigrationStatus running() {
        return status(MigrationStatus.RUNNING, null, null, null, null);
    }

    MigrationStatus finished(String state, Instant finishedAt, String failure, String detail, MigrationStatus.Report report) {
        return status(state, finishedAt, failure, detail, report);
    }

    private MigrationStatus status(String state, Instant finishedAt, String failure, String detail,
                                   MigrationStatus.Report report) {
        String text = printed.toString(); // a StringBuffer underneath: safe while the migration prints
        return new MigrationStatus(migrationId, clusterId, requestedBy, state, finishedAt == null ? stage : null, startedAt,
                finishedAt, bytes, expectedBytes, tables, finishedAt == null ? etaSeconds() : null, failure, detail, text,
                report);
    }

    /** The copy's rate so far against what is left of the source's table bytes (the dump's size differs: an estimate). */
    private Long etaSeconds() {
        long copied = bytes;
        long started = copyStartNanos;
        if (!"copy".equals(stage) || copied == 0 || started == 0) {
            return null;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double rate = copied / Math.max(seconds, 1e-3);
        return Math.max(0, (long) Math.ceil((expectedBytes - copied) / rate));
    }

    @Override
    public String toString() {
        return "RunningMigration[" + migrationId + " of " + clusterId + ", " + stage + "]";
    }
}
