package io.nais.pg.backup.keys;

import java.util.HashMap;
import java.util.Map;

import io.nais.pg.backup.it.BackupTestProfile;

/** The two halves of backup-service, each with only its own key, as deploy/ runs them. */
final class ModeProfiles {

    private ModeProfiles() {
    }

    /** Writes dumps: the age recipient, never the identity. */
    public static class BackupOnly extends BackupTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.remove("nais.backup.encryption.identity-file");
            overrides.put("nais.backup.mode", "backup");
            return overrides;
        }
    }

    /** Verifies and restores: the identity, no recipient. */
    public static class VerifyOnly extends BackupTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.remove("nais.backup.encryption.recipients");
            overrides.put("nais.backup.mode", "verify");
            return overrides;
        }
    }
}
