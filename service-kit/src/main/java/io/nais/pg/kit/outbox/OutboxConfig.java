package io.nais.pg.kit.outbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code nais.kit.outbox.*}: how the relay runs. */
@ConfigMapping(prefix = "nais.kit.outbox")
public interface OutboxConfig {

    /** Whether this process relays at all; off only where another process relays the same database. */
    @WithDefault("true")
    boolean relayEnabled();

    /** The sweep that catches rows whose commit-time wake-up was lost (crash, other replica). */
    @WithDefault("500ms")
    Duration sweepInterval();

    /** Rows claimed per relay transaction. */
    @WithDefault("200")
    int batchSize();

    /** How long the relay waits for the broker to ack a batch before it retries it. */
    @WithDefault("30s")
    Duration sendTimeout();
}
