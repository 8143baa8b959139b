package io.nais.pg.cli.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a connection's set-up time goes, step by step (shown with --verbose), so
 * a slow connection says which hop to look at: the local client, the token, TCP to
 * the gateway, TLS, the gateway's password question, the login behind it. Not
 * thread-safe: one connection's thread uses it.
 */
final class SetupTimer {

    private final long start = System.nanoTime();
    private final List<String> names = new ArrayList<>();
    private final List<Long> durations = new ArrayList<>();
    private long last = start;

    private SetupTimer() {
    }

    static SetupTimer start() {
        return new SetupTimer();
    }

    /** Ends the step called {@code name}, which began where the previous one ended; formatted only if {@link #summary} is asked for. */
    void step(String name) {
        long now = System.nanoTime();
        names.add(name);
        durations.add(now - last);
        last = now;
    }

    /** "set-up 9.10 ms: client 0.10, tls 3.20, ..." */
    String summary() {
        StringBuilder summary = new StringBuilder("set-up ").append(millis(last - start)).append(" ms: ");
        for (int i = 0; i < names.size(); i++) {
            summary.append(i == 0 ? "" : ", ").append(names.get(i)).append(' ').append(millis(durations.get(i)));
        }
        return summary.toString();
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }
}
