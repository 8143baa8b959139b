package io.nais.pg.kit.logging;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Wall-clock time per named phase of one unit of work (a backup, a reconcile pass, a batch of events), so one
 * log line and the benchmarks show where its time goes, and the method doing the work still reads as its list
 * of steps: {@code var changes = timings.time("projection", () -> project(events));}. Phases may overlap (a
 * backup's row count runs while the dump streams); each records its own span.
 */
public final class PhaseTimings {

    private final long origin = System.nanoTime();
    private final Map<String, Long> nanos = new LinkedHashMap<>();

    /** A step that returns a value, and may throw what the caller's method throws. */
    @FunctionalInterface
    public interface Step<T, E extends Exception> {
        T run() throws E;
    }

    /** A step with no value. */
    @FunctionalInterface
    public interface VoidStep<E extends Exception> {
        void run() throws E;
    }

    /** Starts a phase; {@link Phase#close()} records it. */
    public Phase start(String name) {
        return new Phase(name, System.nanoTime());
    }

    /** Runs the step as the phase {@code name} and returns what it returns. */
    public <T, E extends Exception> T time(String name, Step<T, E> step) throws E {
        try (Phase phase = start(name)) {
            return step.run();
        }
    }

    /** Runs the step as the phase {@code name}. */
    public <E extends Exception> void run(String name, VoidStep<E> step) throws E {
        try (Phase phase = start(name)) {
            step.run();
        }
    }

    /** {@code snapshot=3.2ms upload-start=12.0ms … total=40.1ms}: one log line. */
    @Override
    public synchronized String toString() {
        StringJoiner line = new StringJoiner(" ");
        nanos.forEach((name, spent) -> line.add(name + "=" + millis(spent) + "ms"));
        line.add("total=" + millis(System.nanoTime() - origin) + "ms");
        return line.toString();
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private synchronized void record(String name, long spent) {
        nanos.put(name, spent);
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
