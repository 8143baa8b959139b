package io.nais.pg.backup.config;

import jakarta.inject.Singleton;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/** Keeps each scheduled job to the {@link RunMode} it belongs to. */
public final class ModeSkips {

    private ModeSkips() {
    }

    /** Skips a backup-side job (nightly, retention, sweep, overdue) in a verify-only process. */
    @Singleton
    public static class UnlessBackingUp implements Scheduled.SkipPredicate {
        private final RunMode mode;

        UnlessBackingUp(BackupConfig config) {
            this.mode = config.mode();
        }

        @Override
        public boolean test(ScheduledExecution execution) {
            return !mode.backsUp();
        }
    }

    /** Skips restore verification in a backup-only process (it holds no identity). */
    @Singleton
    public static class UnlessVerifying implements Scheduled.SkipPredicate {
        private final RunMode mode;

        UnlessVerifying(BackupConfig config) {
            this.mode = config.mode();
        }

        @Override
        public boolean test(ScheduledExecution execution) {
            return !mode.verifies();
        }
    }
}
