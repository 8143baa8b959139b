package io.nais.pg.backup.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class NightlyScheduleTest {

    @Test
    void jitterSpreadsStartsOverTheWholeWindowAndNeverPastIt() {
        Duration jitter = Duration.ofHours(3);
        Set<Long> hours = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            Duration delay = NightlySchedule.randomDelay(jitter);
            assertThat(delay).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(jitter);
            hours.add(delay.toHours());
        }
        assertThat(hours).containsExactlyInAnyOrder(0L, 1L, 2L);
    }

    @Test
    void noJitterStartsAtOnce() {
        assertThat(NightlySchedule.randomDelay(Duration.ZERO)).isEqualTo(Duration.ZERO);
    }
}
