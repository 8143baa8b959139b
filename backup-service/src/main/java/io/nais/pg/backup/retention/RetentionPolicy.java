package io.nais.pg.backup.retention;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Which backups to keep: the newest backup of each of the {@code daily} most
 * recent days that have one, of each of the {@code weekly} most recent ISO
 * weeks, and of each of the {@code monthly} most recent months (all in UTC).
 * A backup kept by any rule stays; everything else is pruned. Pure: no clock,
 * no I/O, so every case is a unit test.
 */
public record RetentionPolicy(int daily, int weekly, int monthly) {

    /** A stored backup as retention sees it. */
    public record Stored(UUID backupId, Instant completedAt) {
    }

    public RetentionPolicy {
        if (daily < 1 || weekly < 0 || monthly < 0) {
            throw new IllegalArgumentException("retention keeps at least one daily backup; weekly and monthly ≥ 0");
        }
    }

    /** The backups to delete, newest first. */
    public List<Stored> toPrune(List<Stored> backups) {
        List<Stored> newestFirst = backups.stream()
                .sorted(Comparator.comparing(Stored::completedAt).reversed().thenComparing(Stored::backupId))
                .toList();
        Set<UUID> keep = new HashSet<>();
        keep.addAll(newestPerPeriod(newestFirst, daily, RetentionPolicy::day));
        keep.addAll(newestPerPeriod(newestFirst, weekly, RetentionPolicy::isoWeek));
        keep.addAll(newestPerPeriod(newestFirst, monthly, RetentionPolicy::month));
        return newestFirst.stream().filter(b -> !keep.contains(b.backupId())).toList();
    }

    private static Set<UUID> newestPerPeriod(List<Stored> newestFirst, int periods, Function<Instant, String> period) {
        Set<String> seen = new LinkedHashSet<>();
        Set<UUID> kept = new HashSet<>();
        for (Stored backup : newestFirst) {
            if (seen.size() == periods && !seen.contains(period.apply(backup.completedAt()))) {
                break;
            }
            if (seen.add(period.apply(backup.completedAt()))) {
                kept.add(backup.backupId());
            }
        }
        return kept;
    }

    private static String day(Instant at) {
        return date(at).toString();
    }

    private static String isoWeek(Instant at) {
        LocalDate date = date(at);
        return date.get(IsoFields.WEEK_BASED_YEAR) + "-W" + date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
    }

    private static String month(Instant at) {
        LocalDate date = date(at);
        return date.getYear() + "-" + date.getMonthValue();
    }

    private static LocalDate date(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate();
    }
}
