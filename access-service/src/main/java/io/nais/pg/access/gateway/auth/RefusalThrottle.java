package io.nais.pg.access.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Rate limit for refusals before authentication: anyone who reaches the gateway can
 * cause them, as fast as they can open connections, so at most one per client
 * address and reason per window becomes a record. The next record of that address
 * and reason says how many it stands for (itself and those held back since the
 * previous one); every refusal is counted ({@link #refused()}, {@link #heldBack()}).
 *
 * <p>Memory is bounded: at most {@code maxTracked} (address, reason) pairs are
 * remembered. When that many are inside their window (a flood from many addresses),
 * a new pair is counted only, never recorded, until windows end; a pair forgotten
 * to make room takes its held-back count with it (the counters keep it).
 *
 * <p>Pure and thread-safe (called from every event loop; a short lock).
 */
public final class RefusalThrottle {

    private record Key(String address, String reason) {
    }

    private static final class Window {
        final Instant start;
        long heldBack;

        Window(Instant start) {
            this.start = start;
        }
    }

    private final Duration window;
    private final int maxTracked;
    private final Clock clock;
    private final Map<Key, Window> windows = new HashMap<>();
    private long refused;
    private long heldBack;

    public RefusalThrottle(Duration window, int maxTracked, Clock clock) {
        this.window = window;
        this.maxTracked = maxTracked;
        this.clock = clock;
    }

    /**
     * Counts one refusal of {@code address} for {@code reason}.
     *
     * @return how many refusals the record to write now stands for (at least 1), or 0: write none
     */
    public synchronized long refused(String address, String reason) {
        refused++;
        Instant now = clock.instant();
        Key key = new Key(address, reason);
        Window current = windows.get(key);
        if (current != null && now.isBefore(current.start.plus(window))) {
            current.heldBack++;
            heldBack++;
            return 0;
        }
        if (current == null && !roomFor(now)) {
            heldBack++;
            return 0;
        }
        windows.put(key, new Window(now));
        return 1 + (current == null ? 0 : current.heldBack);
    }

    /** Refusals before authentication so far, recorded or not. */
    public synchronized long refused() {
        return refused;
    }

    /** Refusals that did not become a record of their own. */
    public synchronized long heldBack() {
        return heldBack;
    }

    private boolean roomFor(Instant now) {
        if (windows.size() >= maxTracked) {
            windows.values().removeIf(w -> !now.isBefore(w.start.plus(window)));
        }
        return windows.size() < maxTracked;
    }
}
