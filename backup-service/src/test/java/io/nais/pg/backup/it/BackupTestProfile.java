package io.nais.pg.backup.it;

import java.nio.file.Path;
import java.util.Map;

import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The service's age recipient (a key made by the real {@code age-keygen}) and
 * the scratch server for restore verification (the shared test PostgreSQL).
 */
public class BackupTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
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
