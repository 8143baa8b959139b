package io.nais.pg.cli.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.cli.api.ApiClient;
import org.junit.jupiter.api.Test;

/**
 * The progress line printed while backup-service runs a migration, from the
 * service's answer (the whole run, through the real CLI and service:
 * backup-service's NaisPostgresMigrateTest).
 */
class ServiceMigrationTest {

    @Test
    void theProgressLineShowsStageBytesTablesAndTheEtaWhenTheServiceHasOne() throws Exception {
        var copying = ApiClient.json().readTree("""
                {"state": "RUNNING", "stage": "copy", "bytesCopied": 12582912, "bytesExpected": 41943040,
                 "tables": 4, "etaSeconds": 9}
                """);
        var planning = ApiClient.json().readTree("""
                {"state": "RUNNING", "stage": "plan", "bytesCopied": 0, "bytesExpected": 0, "tables": 0, "etaSeconds": null}
                """);

        assertThat(ServiceMigration.progress(copying)).isEqualTo("copy: 12.0 MB of ~40.0 MB, 4 tables, ETA 9.0 s");
        assertThat(ServiceMigration.progress(planning)).startsWith("plan: ").doesNotContain("ETA");
    }
}
