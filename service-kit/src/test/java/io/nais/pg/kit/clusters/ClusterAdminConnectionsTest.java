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
    void opensAVerifiedTlsConnectionAsTheAdminNamedByAFileSecretRefWithACatalogOnlySearchPath() throws SQLException {
        PostgresCluster cluster = infra.postgres();
        ClusterAddress address = new ClusterAddress(cluster.host(), cluster.port(), "postgres",
                "file:" + cluster.adminSecretFile());

        try (Connection admin = connections.open(address);
             ResultSet row = admin.createStatement().executeQuery("""
                     SELECT current_user, current_setting('search_path'), s.ssl
                       FROM pg_catalog.pg_stat_ssl s WHERE s.pid = pg_catalog.pg_backend_pid()""")) {
            row.next();
            assertThat(row.getString(1)).isEqualTo(cluster.adminUser());
            assertThat(row.getString(2)).isEqualTo("pg_catalog,pg_temp");
            assertThat(row.getBoolean(3)).isTrue();
        }
    }

    @Test
    void wrongPasswordIsRefusedBy28P01WithoutShowingThePassword() throws IOException {
        PostgresCluster cluster = infra.postgres();
        String password = "not-the-password-5c1e";
        Path secret = Files.writeString(secrets.resolve("admin.properties"),
                "username=" + cluster.adminUser() + "\npassword=" + password + "\nsslrootcert=" + cluster.serverCaFile() + "\n");
        ClusterAddress address = new ClusterAddress(cluster.host(), cluster.port(), "postgres", "file:" + secret);

        assertThatThrownBy(() -> connections.open(address))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"))
                .message().doesNotContain(password);
    }

    @Test
    void aHostCarryingUrlParametersCannotTurnVerificationOff() {
        PostgresCluster cluster = infra.postgres();
        // pgjdbc prefers URL parameters to properties: this "host" would connect without TLS
        ClusterAddress address = new ClusterAddress(cluster.host() + ":" + cluster.port() + "/postgres?sslmode=disable&x=",
                cluster.port(), "postgres", "file:" + cluster.adminSecretFile());

        assertThatThrownBy(() -> connections.open(address)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo(ClusterAdminConnections.SQLSTATE_UNABLE_TO_CONNECT));
    }

    @Test
    void referenceWithoutAResolverFailsNamingItsScheme() {
        assertThatThrownBy(() -> connections.credentials("k8s:team-a/postgres.app.credentials"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'k8s'").hasMessageContaining("[file]");
    }

    @Test
    void credentialsNeverPrintTheirPassword() {
        assertThat(new AdminCredentials("admin", "s3cret-value", null)).asString()
                .contains("admin").doesNotContain("s3cret-value");
    }
}
