package io.nais.pg.kit.clusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nais.pg.kit.clusters.ClusterAdminConnections.ClusterAddress;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true)
class ClusterAdminConnectionsTest {

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    ClusterAdminConnections connections;

    @TempDir
    Path secrets;

    @Test
    void opensAConnectionAsTheAdminNamedByAFileSecretRef() throws SQLException {
        PostgresCluster cluster = infra.postgres();
        ClusterAddress address = new ClusterAddress(cluster.host(), cluster.port(), "postgres",
                "file:" + cluster.adminSecretFile());

        try (Connection admin = connections.open(address);
             ResultSet row = admin.createStatement().executeQuery("SELECT current_user")) {
            row.next();
            assertThat(row.getString(1)).isEqualTo(cluster.adminUser());
        }
    }

    @Test
    void wrongPasswordIsRefusedBy28P01WithoutShowingThePassword() throws IOException {
        PostgresCluster cluster = infra.postgres();
        String password = "not-the-password-5c1e";
        Path secret = Files.writeString(secrets.resolve("admin.properties"),
                "username=" + cluster.adminUser() + "\npassword=" + password + "\n");
        ClusterAddress address = new ClusterAddress(cluster.host(), cluster.port(), "postgres", "file:" + secret);

        assertThatThrownBy(() -> connections.open(address))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"))
                .message().doesNotContain(password);
    }

    @Test
    void referenceWithoutAResolverFailsNamingItsScheme() {
        assertThatThrownBy(() -> connections.credentials("k8s:team-a/postgres.app.credentials"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'k8s'").hasMessageContaining("[file]");
    }

    @Test
    void credentialsNeverPrintTheirPassword() {
        assertThat(new AdminCredentials("admin", "s3cret-value")).asString()
                .contains("admin").doesNotContain("s3cret-value");
    }
}
