package io.nais.pg.migration.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.migration.MigrationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing and masking of connection URLs, from an argument, the environment or a file. */
class EndpointTest {

    @Test
    void parsesAUrlAndNeverShowsItsPassword() {
        Endpoint endpoint = Endpoint.parse("postgresql://app:p%40ss%3Aw0rd@db.example.com:6543/orders?sslmode=require");
        assertThat(endpoint).isEqualTo(new Endpoint("db.example.com", 6543, "orders", "app", "p@ss:w0rd", "require"));
        assertThat(endpoint.masked()).isEqualTo("postgresql://app:***@db.example.com:6543/orders");
        assertThat(endpoint.toString()).doesNotContain("p@ss:w0rd");
        assertThat(endpoint.toolEnvironment()).containsEntry("PGPASSWORD", "p@ss:w0rd").containsEntry("PGPORT", "6543");
    }

    @Test
    void readsTheUrlFromTheEnvironmentOrAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("source.url");
        Files.writeString(file, "# the Cloud SQL source\npostgres://u:secret@10.0.0.5/db\n");
        assertThat(CredentialSource.resolve("file:" + file, name -> null).host()).isEqualTo("10.0.0.5");
        assertThat(CredentialSource.resolve("env:SRC", Map.of("SRC", "jdbc:postgresql://u:pw@h:5/d")::get).port()).isEqualTo(5);
    }

    @Test
    void anUnsetVariableOrABadUrlIsAClearErrorWithoutTheValue() {
        assertThatThrownBy(() -> CredentialSource.resolve("env:NOPE", name -> null))
                .isInstanceOf(MigrationException.class).hasMessageContaining("NOPE is not set");
        assertThatThrownBy(() -> Endpoint.parse("mysql://u:hunter2@h/d"))
                .isInstanceOf(MigrationException.class).hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Endpoint.parse("postgresql://u:hunter2@h:5432 /d"))
                .isInstanceOf(MigrationException.class).hasMessageNotContaining("hunter2");
    }

    @Test
    void conninfoQuotesEveryValue() {
        Endpoint endpoint = new Endpoint("h", 5432, "d b", "u", "it's", "disable");
        assertThat(endpoint.conninfo()).contains("dbname='d b'").contains("password='it\\'s'");
    }
}
