package io.nais.pg.backup.migrate;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.nais.pg.migration.verify.VerificationReport;

/**
 * A migration as {@code GET /api/migrations/{id}} answers it, running or
 * finished; a finished one is stored as this in {@code migration_job.outcome}.
 * Nothing in it can hold the source's password: the output is the migration's
 * plan and report, which name the source only through {@code Endpoint.masked()}.
 *
 * @param state RUNNING, COMPLETED or FAILED
 * @param stage plan, copy or verify while running
 * @param tables the source's tables (known once planned)
 * @param etaSeconds the copy's estimate against the source's table bytes; null outside the copy or before a rate
 * @param failure the migration module's failure kind when FAILED (the CLI maps it to its exit code)
 * @param output the plan and the verification report, as the in-process run prints them
 */
public record MigrationStatus(UUID migrationId, String clusterId, String requestedBy, String state, String stage,
                              Instant startedAt, Instant finishedAt, long bytesCopied, long bytesExpected, int tables,
                              Long etaSeconds, String failure, String detail, String output, Report report) {

    public static final String RUNNING = "RUNNING";
    public static final String COMPLETED = "COMPLETED";
    public static final String FAILED = "FAILED";

    /** The verification: per table rows on both sides and whether the content checksums match. */
    public record Report(boolean ok, long rows, List<TableRow> tables, List<SequenceRow> sequences, List<String> mismatches) {

        static Report of(VerificationReport report) {
            return new Report(report.ok(), report.rows(),
                    report.tables().stream().map(t -> new TableRow(t.source().table(), t.source().rows(),
                            t.target() == null ? null : t.target().rows(), t.matches())).toList(),
                    report.sequences().stream().map(s -> new SequenceRow(s.sequence(), s.source(), s.target(), s.matches()))
                            .toList(),
                    report.mismatches());
        }
    }

    public record TableRow(String table, long sourceRows, Long targetRows, boolean matches) {
    }

    public record SequenceRow(String sequence, Long source, Long target, boolean matches) {
    }
}
