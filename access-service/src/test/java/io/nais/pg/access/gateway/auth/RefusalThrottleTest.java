package io.nais.pg.access.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RefusalThrottleTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final RefusalThrottle throttle = new RefusalThrottle(Duration.ofMinutes(1), 3, clock);

    @Test
    void oneRecordPerAddressAndReasonPerWindowTheNextCarriesTheHeldBackCount() {
        assertThat(throttle.refused("10.0.0.1", "token-malformed")).isEqualTo(1);
        assertThat(throttle.refused("10.0.0.1", "token-malformed")).isZero();
        assertThat(throttle.refused("10.0.0.1", "token-malformed")).isZero();
        assertThat(throttle.refused("10.0.0.1", "tls-required")).as("another reason").isEqualTo(1);
        assertThat(throttle.refused("10.0.0.2", "token-malformed")).as("another address").isEqualTo(1);

        clock.advance(Duration.ofMinutes(1));

        assertThat(throttle.refused("10.0.0.1", "token-malformed")).as("itself and the two held back").isEqualTo(3);
        assertThat(throttle.refused()).isEqualTo(6);
        assertThat(throttle.heldBack()).isEqualTo(2);
    }

    @Test
    void aFloodFromMoreAddressesThanItTracksIsCountedNotRecordedUntilWindowsEnd() {
        for (int i = 1; i <= 3; i++) {
            assertThat(throttle.refused("10.0.0." + i, "tls-required")).isEqualTo(1);
        }
        assertThat(throttle.refused("10.0.0.4", "tls-required")).isZero();
        assertThat(throttle.heldBack()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(1));

        assertThat(throttle.refused("10.0.0.4", "tls-required")).isEqualTo(1);
        assertThat(throttle.refused()).isEqualTo(5);
    }

    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
