package io.nais.pg.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.nais.pg.console.readmodel.Views.BackupRow;

class BackupChartTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    @Test
    void completedBackupsOfTheLast30DaysAreBarsOldestFirstScaledToTheLargest() {
        BackupChart chart = BackupChart.of(List.of(
                completed(NOW.minus(Duration.ofDays(1)), 2048),
                completed(NOW.minus(Duration.ofDays(2)), 1024),
                completed(NOW.minus(Duration.ofDays(31)), 9_999_999),
                new BackupRow(UUID.randomUUID(), "FAILED", NOW, NOW, null, null, "unreachable")), NOW);

        assertThat(chart.bars()).hasSize(2);
        assertThat(chart.bars().get(0).height()).isEqualTo((BackupChart.HEIGHT - 4) / 2);
        assertThat(chart.bars().get(1).height()).isEqualTo(BackupChart.HEIGHT - 4);
        assertThat(chart.bars().get(0).x()).isLessThan(chart.bars().get(1).x());
        assertThat(chart.bars().get(1).label()).startsWith("2.0 KiB, took 30 s");
        assertThat(chart.largest()).isEqualTo("2.0 KiB");
    }

    @Test
    void noCompletedBackupMeansNoBars() {
        assertThat(BackupChart.of(List.of(), NOW).bars()).isEmpty();
    }

    private static BackupRow completed(Instant finished, long bytes) {
        return new BackupRow(UUID.randomUUID(), "COMPLETED", finished.minusSeconds(30), finished, "k", bytes, null);
    }
}
