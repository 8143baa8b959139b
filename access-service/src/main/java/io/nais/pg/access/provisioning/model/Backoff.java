package io.nais.pg.access.provisioning.model;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter for a cluster that failed: the delay doubles
 * per attempt up to a cap, and is spread over [50 %, 100 %] of that so that
 * clusters that failed together do not retry together.
 */
public record Backoff(Duration initial, Duration max) {

    public Duration delay(int attempt, DoubleSupplier random) {
        long base = initial.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
        long capped = Math.min(base, max.toMillis());
        return Duration.ofMillis((long) (capped * (0.5 + 0.5 * random.getAsDouble())));
    }
}
