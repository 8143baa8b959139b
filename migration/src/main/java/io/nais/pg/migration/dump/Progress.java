package io.nais.pg.migration.dump;

import io.nais.pg.migration.plan.Bytes;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Progress of a long copy on stderr: bytes so far, rate, and an ETA against
 * the expected total (the source's table sizes; the dump's size differs, so the
 * ETA is an estimate and is never shown as negative). At most one line a second.
 */
final class Progress {

    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final PrintWriter err;
    private final String what;
    private final long expectedBytes;
    private final long startNanos = System.nanoTime();
    private long lastPrintNanos = startNanos;

    Progress(PrintWriter err, String what, long expectedBytes) {
        this.err = err;
        this.what = what;
        this.expectedBytes = expectedBytes;
    }

    void update(long bytes) {
        long now = System.nanoTime();
        if (now - lastPrintNanos < INTERVAL_NANOS) {
            return;
        }
        lastPrintNanos = now;
        double seconds = (now - startNanos) / 1e9;
        long rate = (long) (bytes / Math.max(seconds, 1e-3));
        String eta = rate > 0 && expectedBytes > bytes
                ? "ETA " + Bytes.duration(Duration.ofMillis((expectedBytes - bytes) * 1000 / rate)) : "ETA soon";
        err.printf("%s: %s of ~%s, %s/s, %s%n", what, Bytes.human(bytes), Bytes.human(expectedBytes), Bytes.human(rate), eta);
        err.flush();
    }

    void done(long bytes) {
        err.printf("%s: %s in %s%n", what, Bytes.human(bytes), Bytes.duration(Duration.ofNanos(System.nanoTime() - startNanos)));
        err.flush();
    }
}
