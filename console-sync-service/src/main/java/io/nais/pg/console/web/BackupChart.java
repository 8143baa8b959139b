package io.nais.pg.console.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.nais.pg.console.readmodel.Views.BackupRow;

/**
 * The cluster page's chart of completed backups over the last 30 days: one bar per backup, its height the dump's
 * size, oldest on the left. Pure: the page renders the bars as inline SVG (no script, nothing loaded), each with its
 * size, duration and time as a tooltip and in a table for screen readers.
 */
public record BackupChart(List<Bar> bars, String largest) {

    static final int WIDTH = 600;
    static final int HEIGHT = 120;
    static final Duration WINDOW = Duration.ofDays(30);

    /** One backup: position and size in the SVG's coordinates, and what it stands for. */
    public record Bar(int x, int y, int width, int height, String label) {
    }

    static BackupChart of(List<BackupRow> backups, Instant now) {
        List<BackupRow> shown = backups.stream()
                .filter(b -> "COMPLETED".equals(b.state()) && b.bytes() != null && b.finishedAt() != null)
                .filter(b -> b.finishedAt().isAfter(now.minus(WINDOW)))
                .sorted(Comparator.comparing(BackupRow::finishedAt)).toList();
        long max = shown.stream().mapToLong(BackupRow::bytes).max().orElse(0);
        List<Bar> bars = new ArrayList<>();
        int slot = shown.isEmpty() ? WIDTH : WIDTH / shown.size();
        for (int i = 0; i < shown.size(); i++) {
            BackupRow b = shown.get(i);
            int height = max == 0 ? 1 : (int) Math.max(1, Math.round((double) b.bytes() / max * (HEIGHT - 4)));
            bars.add(new Bar(i * slot + 2, HEIGHT - height, Math.max(1, slot - 4), height, label(b)));
        }
        return new BackupChart(List.copyOf(bars), size(max));
    }

    private static String label(BackupRow b) {
        String took = b.startedAt() == null ? "" : ", took " + Duration.between(b.startedAt(), b.finishedAt()).toSeconds() + " s";
        return size(b.bytes()) + took + ", finished " + b.finishedAt();
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format("%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format("%.1f MiB", bytes / (double) (1L << 20));
        }
        return bytes >= 1L << 10 ? String.format("%.1f KiB", bytes / 1024.0) : bytes + " B";
    }
}
