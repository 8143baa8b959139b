package io.nais.pg.testsupport.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pg_hba.conf every test cluster gets: people ({@code +nais_human}) never by password, and with
 * {@code onlyKnownRoles} nobody but the admin and the named roles (pgjdbc, SQLSTATE 28000 = pg_hba reject).
 */
class ClusterHbaDefaultsTest {

    static PostgresCluster cluster;

    @BeforeAll
    static void start() {
        cluster = PostgresCluster.builder().name("hba-defaults").onlyKnownRoles("known_app").start();
        cluster.execute("postgres", "CREATE ROLE nais_human NOLOGIN");
        cluster.createLoginRole("known_app", "known-pw");
        cluster.createLoginRole("person@example.com", "person-pw");
        cluster.execute("postgres", "GRANT nais_human TO \"person@example.com\"");
        cluster.createLoginRole("stay_behind", "stay-pw");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void adminAndKnownRolesLogInWithTheirPassword() throws Exception {
        try (Connection admin = cluster.connect("postgres");
             Connection app = cluster.connect("postgres", "known_app", "known-pw")) {
            assertThat(admin.isValid(2)).isTrue();
            assertThat(app.isValid(2)).isTrue();
        }
    }

    @Test
    void aPersonWithAPasswordIsRejected() {
        assertThatThrownBy(() -> cluster.connect("postgres", "person@example.com", "person-pw").close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
    }

    @Test
    void aRoleNobodyKnowsIsRejected() {
        assertThatThrownBy(() -> cluster.connect("postgres", "stay_behind", "stay-pw").close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
    }
}
