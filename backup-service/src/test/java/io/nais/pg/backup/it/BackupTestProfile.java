package io.nais.pg.backup.it;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The service's age recipient (a key made by the real {@code age-keygen}) and
 * the scratch server for restore verification (the shared test PostgreSQL).
 * Its tests drive every job themselves (a backup on demand, retention, the
 * overdue watch, verification), so this profile turns the jobs' crons off;
 * {@link #schedulesOn()} is for a profile that keeps them.
 */
public class BackupTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(schedulesOn());
        overrides.putAll(Map.of(
                "nais.backup.schedule.cron", "off",
                "nais.backup.retention.cron", "off",
                "nais.backup.retention.abandoned-upload-cron", "off",
                "nais.backup.verification.cron", "off",
                "nais.backup.schedule.overdue-check-every", "off",
                // the test clusters, the migration sources among them, listen on loopback; metadata stays refused
                "nais.backup.migration.refused-source-networks", "169.254.0.0/16,fe80::/10"));
        return overrides;
    }

    /** The key, the scratch server and short retention, with the production schedules. */
    protected static Map<String, String> schedulesOn() {
        AgeKey key = AgeKey.service();
        PostgresCluster scratch = Infrastructure.shared().postgres();
        return Map.of(
                "nais.backup.encryption.recipients", key.recipient(),
                "nais.backup.encryption.identity-file", key.identityFile().toString(),
                "nais.backup.verification.scratch-host", scratch.host(),
                "nais.backup.verification.scratch-port", Integer.toString(scratch.port()),
                "nais.backup.verification.scratch-admin-secret-ref", "file:" + scratch.adminSecretFile(),
                "nais.backup.retention.daily", "2",
                "nais.backup.retention.weekly", "2",
                "nais.backup.retention.monthly", "2");
    }

    static Path keyDirectory() {
        return AgeKey.service().identityFile().getParent();
    }
}
