package io.nais.pg.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Timings of one measured thing, in nanoseconds. */
final class Stats {

    private final String name;
    private final List<Long> nanos = new ArrayList<>();

    Stats(String name) {
        this.name = name;
    }

    void add(long elapsedNanos) {
        nanos.add(elapsedNanos);
    }

    String name() {
        return name;
    }

    double p50Millis() {
        return percentile(0.5) / 1e6;
    }

    double p99Millis() {
        return percentile(0.99) / 1e6;
    }

    double maxMillis() {
        return Collections.max(nanos) / 1e6;
    }

    double p50Micros() {
        return percentile(0.5) / 1e3;
    }

    double meanMicros() {
        return nanos.stream().mapToLong(Long::longValue).average().orElse(0) / 1e3;
    }

    int runs() {
        return nanos.size();
    }

    private double percentile(double p) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }
}
