package io.nais.pg.kit.clusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Which CA an admin login is verified against, and how libpq tools get the same rules (pure logic). */
class AdminCredentialsTest {

    private static final Path OWN_CA = Path.of("/secrets/cluster/ca.crt");
    private static final Path BUNDLE = Path.of("/etc/nais/cluster-cas.pem");

    @Test
    void theSecretsOwnCaWinsOverThePlatformBundle() {
        assertThat(new AdminCredentials("admin", "pw", OWN_CA).orRootCert(BUNDLE).sslRootCert()).isEqualTo(OWN_CA);
    }

    @Test
    void theBundleAppliesWhenTheSecretNamesNoCa() {
        assertThat(new AdminCredentials("admin", "pw", null).orRootCert(BUNDLE).sslRootCert()).isEqualTo(BUNDLE);
    }

    @Test
    void withNeitherNoCaIsKnown() {
        assertThat(new AdminCredentials("admin", "pw", null).orRootCert(null).sslRootCert()).isNull();
    }

    @Test
    void aRelativeCaPathIsRefused() {
        assertThatThrownBy(() -> new AdminCredentials("admin", "pw", Path.of("ca.crt")))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("pw");
    }

    @Test
    void libpqLoginVerifiesTheServerAndStartsWithTheCatalogOnlySearchPathAndKeepsThePasswordOffTheCommandLine() {
        LibpqAdminLogin login = new LibpqAdminLogin("db.team-a.svc", 5432, "o'rders = db\\x",
                new AdminCredentials("postgres", "s3cret-value", Path.of("/ca dir/ca.crt")));

        assertThat(login.conninfo()).isEqualTo("host='db.team-a.svc' port=5432 dbname='o\\'rders = db\\\\x'"
                + " user='postgres' sslmode=verify-full sslrootcert='/ca dir/ca.crt'"
                + " options='-c search_path=pg_catalog,pg_temp'");
        assertThat(login.conninfo()).doesNotContain("s3cret-value");
        assertThat(login.toString()).doesNotContain("s3cret-value");
        assertThat(login.environment()).isEqualTo(Map.of("PGPASSWORD", "s3cret-value", "PGSSLMODE", "verify-full",
                "PGSSLROOTCERT", "/ca dir/ca.crt", "PGOPTIONS", "-c search_path=pg_catalog,pg_temp"));
        assertThat(login.withDatabase("other").conninfo()).contains("dbname='other'");
    }

    @Test
    void aLibpqLoginWithoutACaCannotBeMade() {
        assertThatThrownBy(() -> new LibpqAdminLogin("h", 5432, "d", new AdminCredentials("admin", "pw", null)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
