package io.nais.pg.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    private static RetentionPolicy.Stored at(String instant) {
        return new RetentionPolicy.Stored(UUID.randomUUID(), Instant.parse(instant));
    }

    @Test
    void keepsNewestPerDayForTheLastNDaysAndPrunesOlderDailies() {
        var d1 = at("2026-11-24T01:10:00Z");
        var d1early = at("2026-11-24T00:05:00Z");
        var d2 = at("2026-11-23T01:00:00Z");
        var d3 = at("2026-11-22T01:00:00Z");
        var d4 = at("2026-11-21T01:00:00Z");
        List<RetentionPolicy.Stored> pruned = new RetentionPolicy(2, 0, 0).toPrune(List.of(d3, d1early, d2, d1, d4));
        assertThat(pruned).containsExactly(d1early, d3, d4);
    }

    @Test
    void weeklyAndMonthlyKeepTheNewestOfOlderPeriodsTheDailiesDoNotCover() {
        var today = at("2026-11-24T01:00:00Z");              // Tue, week 48
        var yesterday = at("2026-11-23T01:00:00Z");          // Mon, week 48
        var lastWeekSun = at("2026-11-22T01:00:00Z");        // week 47 newest
        var lastWeekWed = at("2026-11-18T01:00:00Z");        // week 47 older
        var twoWeeksAgo = at("2026-11-12T01:00:00Z");        // week 46
        var october = at("2026-10-31T01:00:00Z");            // month 10 newest
        var earlyOctober = at("2026-10-02T01:00:00Z");       // month 10 older
        var september = at("2026-09-30T01:00:00Z");          // month 9
        List<RetentionPolicy.Stored> all = List.of(today, yesterday, lastWeekSun, lastWeekWed, twoWeeksAgo,
                october, earlyOctober, september);

        List<RetentionPolicy.Stored> pruned = new RetentionPolicy(1, 2, 2).toPrune(all);

        // daily 1: today; weekly 2: today (w48), lastWeekSun (w47); monthly 2: today (Nov), october (Oct)
        assertThat(pruned).containsExactly(yesterday, lastWeekWed, twoWeeksAgo, earlyOctober, september);
    }

    @Test
    void fewerBackupsThanPeriodsPrunesNothing() {
        List<RetentionPolicy.Stored> all = new ArrayList<>();
        for (int day = 1; day <= 5; day++) {
            all.add(at("2026-11-0" + day + "T01:00:00Z"));
        }
        assertThat(new RetentionPolicy(7, 4, 6).toPrune(all)).isEmpty();
    }

    @Test
    void theNewestBackupIsAlwaysKept() {
        var newest = at("2026-11-24T01:00:00Z");
        var older = at("2026-01-01T01:00:00Z");
        assertThat(new RetentionPolicy(1, 0, 0).toPrune(List.of(older, newest))).containsExactly(older);
    }
}
