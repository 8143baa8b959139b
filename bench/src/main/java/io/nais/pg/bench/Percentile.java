package io.nais.pg.bench;

import java.util.List;

/** Percentiles of the figures the benchmarks print: nearest rank, so every figure is a value that was measured. */
public final class Percentile {

    private Percentile() {
    }

    /** The p-th percentile of sorted values. */
    public static long of(long[] sorted, int p) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1))];
    }

    /** The p-th percentile of values in any order. */
    public static long of(List<Long> values, int p) {
        return of(values.stream().mapToLong(Long::longValue).sorted().toArray(), p);
    }
}
