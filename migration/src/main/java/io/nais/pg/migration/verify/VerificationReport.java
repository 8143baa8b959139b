package io.nais.pg.migration.verify;

import io.nais.pg.migration.plan.Bytes;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/** Per-table and per-sequence comparison of source and target, and whether all match. */
public record VerificationReport(List<TableResult> tables, List<SequenceResult> sequences, Duration duration) {

    public VerificationReport {
        tables = List.copyOf(tables);
        sequences = List.copyOf(sequences);
    }

    /** One table on both sides; {@code target} is null when the table is missing there. */
    public record TableResult(TableChecksum source, TableChecksum target) {
        public boolean matches() {
            return target != null && source.rows() == target.rows() && source.checksum().equals(target.checksum());
        }
    }

    /** One sequence; the target must be at or beyond the source's last value. */
    public record SequenceResult(String sequence, Long source, Long target) {
        public boolean matches() {
            return source == null || (target != null && target >= source);
        }
    }

    public boolean ok() {
        return tables.stream().allMatch(TableResult::matches) && sequences.stream().allMatch(SequenceResult::matches);
    }

    public List<String> mismatches() {
        return java.util.stream.Stream.concat(
                tables.stream().filter(t -> !t.matches()).map(t -> t.source().table()),
                sequences.stream().filter(s -> !s.matches()).map(SequenceResult::sequence)).toList();
    }

    public long rows() {
        return tables.stream().mapToLong(t -> t.source().rows()).sum();
    }

    public void print(PrintWriter out) {
        out.println("verification");
        out.printf("  %-40s %12s %12s  %s%n", "table", "source rows", "target rows", "content");
        for (TableResult t : tables) {
            out.printf("  %-40s %12d %12s  %s%n", t.source().table(), t.source().rows(),
                    t.target() == null ? "missing" : Long.toString(t.target().rows()),
                    t.matches() ? "ok" : "DIFFERS");
        }
        for (SequenceResult s : sequences) {
            out.printf("  sequence %-31s %12s %12s  %s%n", s.sequence(), s.source(), s.target(), s.matches() ? "ok" : "BEHIND");
        }
        out.printf("  %s: %d table(s), %d row(s), %d sequence(s) in %s%n", ok() ? "MATCH" : "MISMATCH in " + mismatches(),
                tables.size(), rows(), sequences.size(), Bytes.duration(duration));
        out.flush();
    }
}
