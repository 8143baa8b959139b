package io.nais.pg.testsupport.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.pki.Pem;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresClusterTest {

    static final CertificateAuthority CA = CertificateAuthority.create("test CA", Duration.ofDays(1));
    static final String HUMAN = "ærlig+\"x\"@example.com";
    static PostgresCluster cluster;

    @BeforeAll
    static void start() {
        cluster = PostgresCluster.builder()
                .name("tls")
                .tls(CA)
                .hba("hostssl all all 127.0.0.1/32 cert")
                .setting("wal_level", "logical")
                .start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void startsUnderTheServerUserAndAdminLogsInWithTheRandomScramPassword() throws Exception {
        try (Connection connection = cluster.connect("postgres");
             ResultSet rs = connection.createStatement().executeQuery(
                     "select current_user, current_setting('wal_level'), current_setting('fsync'), current_setting('port')")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("postgres");
            assertThat(rs.getString(2)).isEqualTo("logical");
            assertThat(rs.getString(3)).isEqualTo("off");
            assertThat(rs.getInt(4)).isEqualTo(cluster.port());
        }
        // PostgreSQL refuses to run as root: a build as root hands the server to the postgres system user,
        // a developer's build runs it as the developer (OsUser); either way the server is up and not root's
        String expected = OsUser.isRoot() ? OsUser.POSTGRES : System.getProperty("user.name");
        assertThat(ProcessHandle.of(cluster.pid()).flatMap(p -> p.info().user())).contains(expected);
    }

    @Test
    void wrongAdminPasswordIsRefusedWithInvalidPassword() {
        assertThatThrownBy(() -> cluster.connect("postgres", "postgres", "wrong"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void clientCertificateFromTheCaLogsInWithCertAuthOverVerifyFullTls(@TempDir Path dir) throws Exception {
        cluster.execute("postgres", "CREATE ROLE \"" + HUMAN.replace("\"", "\"\"") + "\" LOGIN");
        IssuedCertificate.PemFiles files = CA.issueClient(HUMAN, Duration.ofMinutes(5)).writePem(dir.resolve("human"));

        try (Connection connection = DriverManager.getConnection(cluster.jdbcUrl("postgres"), tls(HUMAN, files));
             ResultSet rs = connection.createStatement().executeQuery(
                     "select current_user, ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(HUMAN);
            assertThat(rs.getBoolean(2)).isTrue();
        }
    }

    @Test
    void certificateForAnotherNameIsRefusedByCertAuth(@TempDir Path dir) throws Exception {
        IssuedCertificate.PemFiles files = CA.issueClient("someone-else@example.com", Duration.ofMinutes(5)).writePem(dir);

        assertThatThrownBy(() -> DriverManager.getConnection(cluster.jdbcUrl("postgres"), tls("postgres", files)))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
    }

    @Test
    void seededApplicationIsOwnedByItsOwnerRoleWithRelatedRows() throws Exception {
        SeededApplication app = cluster.seedApplication("demo-app");

        assertThat(app.database()).isEqualTo("demo_app");
        assertThat(app.owner()).isEqualTo("demo_app_owner");
        assertThat(app.toString()).doesNotContain(app.password());
        try (Connection connection = cluster.connect(app.database(), app.owner(), app.password());
             ResultSet rs = connection.createStatement().executeQuery("""
                     select (select count(*) from orders o join customers c on c.id = o.customer_id),
                            (select tableowner from pg_tables where tablename = 'orders'),
                            (select pg_get_userbyid(datdba) from pg_database where datname = current_database())""")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(4);
            assertThat(rs.getString(2)).isEqualTo("demo_app_owner");
            assertThat(rs.getString(3)).isEqualTo("demo_app_owner");
        }
    }

    @Test
    void adminSecretFileHoldsWorkingCredentialsAndTheServerCaReadableOnlyByItsOwner() throws Exception {
        Path file = cluster.adminSecretFile();
        Properties secret = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            secret.load(reader);
        }

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(secret.getProperty("sslrootcert")).isEqualTo(cluster.serverCaFile().toString());
        assertThat(Pem.readCertificates(cluster.serverCaFile())).containsExactly(CA.certificate());
        // over TLS this cluster's hba asks everybody for a certificate: the password is proven in the clear here
        try (Connection connection = cluster.connect("postgres", secret.getProperty("username"), secret.getProperty("password"))) {
            assertThat(connection.isValid(2)).isTrue();
        }
    }

    @Test
    void clusterWithoutACaOfItsOwnServesTlsFromTheTestCaNamedInItsAdminSecret() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().name("default-tls").start()) {
            Properties secret = new Properties();
            try (Reader reader = Files.newBufferedReader(pg.adminSecretFile())) {
                secret.load(reader);
            }

            assertThat(sslOf(pg, secret)).as("verify-full against the secret's sslrootcert").isTrue();
            try (Connection plain = pg.connect("postgres");
                 ResultSet rs = plain.createStatement().executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("the superuser's connect() stays without TLS").isFalse();
            }
        }
    }

    @Test
    void clusterWithoutTlsHasNoServerCaAndItsAdminSecretNamesNone() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().name("plain").withoutTls().start()) {
            Properties secret = new Properties();
            try (Reader reader = Files.newBufferedReader(pg.adminSecretFile())) {
                secret.load(reader);
            }

            assertThat(pg.serverCaFile()).isNull();
            assertThat(secret.getProperty("sslrootcert")).isNull();
            try (Connection connection = pg.connect("postgres")) {
                assertThat(connection.isValid(2)).isTrue();
            }
        }
    }

    @Test
    void restartKeepsPortAndData() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().name("restart").start()) {
            pg.createDatabase("kept", "postgres");
            pg.execute("kept", "create table t (v text); insert into t values ('still here')");
            int port = pg.port();

            pg.stop();
            assertThatThrownBy(() -> pg.connect("kept")).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getSQLState()).isEqualTo("08001"));
            pg.start();

            assertThat(pg.port()).isEqualTo(port);
            try (Connection connection = pg.connect("kept"); ResultSet rs = connection.createStatement().executeQuery("select v from t")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("still here");
            }
        }
    }

    @Test
    void everyClusterHasItsOwnAdminPasswordAlthoughAllStartFromOneTemplate() throws Exception {
        try (PostgresCluster other = PostgresCluster.builder().name("other").start()) {
            assertThat(other.adminPassword()).isNotEqualTo(cluster.adminPassword());
            assertThatThrownBy(() -> other.connect("postgres", "postgres", cluster.adminPassword()))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
            try (Connection connection = other.connect("postgres")) {
                assertThat(connection.isValid(2)).isTrue();
            }
        }
    }

    @Test
    void closeStopsTheServerAndDeletesItsDirectory() throws Exception {
        PostgresCluster pg = PostgresCluster.builder().name("closed").start();
        Path log = pg.log();

        pg.close();

        assertThat(Files.exists(log.getParent())).isFalse();
        assertThat(io.nais.pg.testsupport.process.FreePorts.accepts(pg.port())).isFalse();
    }

    @Test
    void missingBinariesFailWithAMessageNamingTheDebianPackage(@TempDir Path empty) {
        PostgresBinaries.Search nowhere = new PostgresBinaries.Search("no-such-pg_config", List.of(empty), empty.resolve("lib"));

        assertThatThrownBy(() -> PostgresBinaries.locate(nowhere))
                .isInstanceOf(PostgresBinariesMissingException.class)
                .hasMessageContaining("initdb")
                .hasMessageContaining("'postgresql'")
                .hasMessageContaining(empty.toString());
    }

    @Test
    void binariesAreFoundOnThisMachine() {
        assertThat(PostgresBinaries.hasServerTools(PostgresBinaries.locate())).isTrue();
    }

    /** Logs in with the secret's credentials over verify-full against its sslrootcert; whether the session is TLS. */
    private static boolean sslOf(PostgresCluster pg, Properties secret) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", secret.getProperty("username"));
        properties.setProperty("password", secret.getProperty("password"));
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", secret.getProperty("sslrootcert"));
        try (Connection connection = DriverManager.getConnection(pg.jdbcUrl("postgres"), properties);
             ResultSet rs = connection.createStatement().executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static Properties tls(String user, IssuedCertificate.PemFiles files) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", files.caCertificate().toString());
        properties.setProperty("sslcert", files.certificate().toString());
        properties.setProperty("sslkey", files.privateKeyDer().toString());
        return properties;
    }
}
