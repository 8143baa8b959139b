package io.nais.pg.kit.logging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Wall-clock milliseconds per phase of one backup (snapshot, upload start,
 * dump stream, row count, upload complete, manifest), so the log and the
 * benchmark show where a backup's time goes. Phases may overlap (the row
 * count runs while the dump streams); each records its own span.
 */
public final class PhaseTimings {

    private final long origin = System.nanoTime();
    private final Map<String, Long> millis = new LinkedHashMap<>();

    /** Starts a phase; {@link Phase#close()} records it. */
    public Phase start(String name) {
        return new Phase(name, System.nanoTime());
    }

    /** {@code snapshot=3ms upload-start=12ms …}: one log line. */
    @Override
    public synchronized String toString() {
        StringJoiner line = new StringJoiner(" ");
        millis.forEach((name, ms) -> line.add(name + "=" + ms + "ms"));
        line.add("total=" + (System.nanoTime() - origin) / 1_000_000 + "ms");
        return line.toString();
    }

    private synchronized void record(String name, long nanos) {
        millis.put(name, nanos / 1_000_000);
    }

    /** One running phase. */
    public final class Phase implements AutoCloseable {

        private final String name;
        private final long start;

        private Phase(String name, long start) {
            this.name = name;
            this.start = start;
        }

        @Override
        public void close() {
            record(name, System.nanoTime() - start);
        }
    }
}
