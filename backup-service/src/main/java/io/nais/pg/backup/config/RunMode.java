package io.nais.pg.backup.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one backup-service process does ({@code nais.backup.mode}), and so which
 * keys it may hold. The process that writes dumps holds the age recipients
 * (public keys) and S3 keys that can write but not read; the process that
 * verifies and restores holds the age identity and S3 keys that can read but not
 * write. A break-in to either gets one half: the writer cannot read a backup back,
 * the reader cannot overwrite or delete one.
 */
public enum RunMode {
    /** Nightly backups, on-demand backups, retention, the abandoned-upload sweep, the overdue watch. */
    BACKUP,
    /** Restore verification (scheduled and on demand) and the operator's restore. */
    VERIFY,
    /** Both in one process, with both keys: development and tests only, never a deployment. */
    ALL;

    public boolean backsUp() {
        return this != VERIFY;
    }

    public boolean verifies() {
        return this != BACKUP;
    }

    /**
     * Refuses a process configured with keys its mode must not hold, or without
     * those it needs; called at start-up, so a wrong Deployment never starts.
     */
    public void checkKeys(Optional<List<String>> recipients, Optional<Path> identityFile) {
        if (this == BACKUP && identityFile.isPresent()) {
            throw new IllegalStateException("nais.backup.mode=backup must not hold the age identity: remove "
                    + "nais.backup.encryption.identity-file (restore verification runs in nais.backup.mode=verify)");
        }
        if (backsUp() && recipients.map(List::isEmpty).orElse(true)) {
            throw new IllegalStateException("nais.backup.mode=" + name().toLowerCase()
                    + " needs nais.backup.encryption.recipients (age1…)");
        }
        if (this == VERIFY && identityFile.isEmpty()) {
            throw new IllegalStateException("nais.backup.mode=verify needs nais.backup.encryption.identity-file");
        }
    }

    /** A request this process's mode does not serve (the other Deployment does): HTTP 503. */
    public static final class NotThisModeException extends RuntimeException {
        public NotThisModeException(String message) {
            super(message);
        }
    }
}
