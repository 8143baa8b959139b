package io.nais.pg.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.migration.MigrationException.Failure;
import io.nais.pg.migration.connect.Endpoint;
import io.nais.pg.migration.plan.Mode;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, hole 1, from the migration's side. The team controls both ends:
 * its source database, and the application role on the platform's target,
 * which owns the target database. It plants code that tries to make the
 * application role superuser wherever the migration might run it as the
 * target's admin: {@code public.format} overloads and a {@code ||} operator on
 * the target (the admin's catalog reads and checksums), and, in the source,
 * a CHECK constraint, a generated column and an index expression that
 * pg_restore evaluates on the target, after a {@code RESET ROLE} that leaves
 * any {@code --role}. A real dump-mode migration runs; pgjdbc checks nothing escalated.
 */
class TeamCodeNeverRunsAsTheTargetsAdminTest extends TwoClusterTest {

    private static final String ESCALATE = """
            CREATE FUNCTION public.escalate() RETURNS boolean LANGUAGE plpgsql SECURITY INVOKER AS $f$
            BEGIN
                BEGIN RESET ROLE; EXCEPTION WHEN OTHERS THEN NULL; END;
                BEGIN EXECUTE pg_catalog.format('ALTER ROLE %%I SUPERUSER', '%1$s'); EXCEPTION WHEN OTHERS THEN NULL; END;
                BEGIN EXECUTE pg_catalog.format('CREATE ROLE %%I SUPERUSER', 'escalated_' || pg_catalog.md5(pg_catalog.random()::text));
                EXCEPTION WHEN OTHERS THEN NULL; END;
                RETURN true;
            END $f$;
            """.formatted(Clusters.APP_ROLE);

    @Test
    void aMigrationRunsTheTeamsCodeWithTheApplicationRolesRightsOnly() throws SQLException {
        String db = "trapped";
        Clusters.prepareTarget(target, db);
        plantOnTheTarget(db);
        plantInTheSource();

        Migration.Outcome outcome = Clusters.run(Clusters.request(Clusters.source(source), Clusters.target(target, db),
                Mode.DUMP, false, false), new StringWriter(), new StringWriter());

        assertThat(outcome.verification().ok()).isTrue();
        assertThat(strings(target, db, "SELECT rolname FROM pg_catalog.pg_roles WHERE rolsuper"))
                .containsExactly(target.adminUser());
        assertThat(strings(target, db, "SELECT rolname FROM pg_catalog.pg_roles WHERE rolname LIKE 'escalated%'")).isEmpty();
        assertThat(strings(target, db, "SELECT rolname FROM pg_catalog.pg_roles WHERE rolname LIKE 'nais_migrate%'"))
                .as("the restore login is dropped").isEmpty();
        assertThat(strings(target, db, """
                SELECT DISTINCT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c
                  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname IN ('public', 'sales', 'audit', 'traps')
                """)).as("what a RESET ROLE made is handed to the application role").containsExactly(Clusters.APP_ROLE);
    }

    @Test
    void anAdminTargetThatDoesNotVerifyTheServerIsRefusedBeforeAnyConnection() {
        Endpoint admin = Clusters.target(target, "postgres");
        Endpoint preferring = new Endpoint(admin.host(), admin.port(), admin.database(), admin.user(), admin.password(), "prefer");

        assertThatThrownBy(() -> Clusters.run(Clusters.request(Clusters.source(source), preferring, Mode.DUMP, false, false),
                new StringWriter(), new StringWriter()))
                .isInstanceOfSatisfying(MigrationException.class, e -> assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT));
    }

    @Test
    void aServerThatCannotProveItIsTheTargetNeverGetsTheAdminLogin() {
        try (PostgresCluster impostor = PostgresCluster.builder().name("impostor").withoutTls().start()) {
            Endpoint admin = Clusters.target(target, "postgres"); // the real target's CA, the impostor's address
            Endpoint onPath = new Endpoint(impostor.host(), impostor.port(), "postgres", admin.user(), admin.password(),
                    Endpoint.VERIFY_FULL, admin.sslRootCert());

            assertThatThrownBy(() -> Clusters.run(Clusters.request(Clusters.source(source), onPath, Mode.DUMP, false, false),
                    new StringWriter(), new StringWriter()))
                    .isInstanceOfSatisfying(MigrationException.class, e -> {
                        assertThat(e.failure()).isEqualTo(Failure.UNREACHABLE);
                        assertThat(e.getMessage()).contains("SQLSTATE 08");
                    });
        }
    }

    /** As the application role: shadows of what the admin's SQL calls, in the database it owns. */
    private static void plantOnTheTarget(String db) throws SQLException {
        try (Connection app = target.connect(db, Clusters.APP_ROLE, "app-Pa55"); Statement st = app.createStatement()) {
            st.execute(ESCALATE + """
                    CREATE FUNCTION public.format(text, text) RETURNS text LANGUAGE plpgsql AS $f$
                    BEGIN PERFORM public.escalate(); RETURN pg_catalog.format($1, $2); END $f$;
                    CREATE FUNCTION public.format(text, name) RETURNS text LANGUAGE plpgsql AS $f$
                    BEGIN PERFORM public.escalate(); RETURN pg_catalog.format($1, $2); END $f$;
                    CREATE FUNCTION public.format(text, name, name) RETURNS text LANGUAGE plpgsql AS $f$
                    BEGIN PERFORM public.escalate(); RETURN pg_catalog.format($1, $2, $3); END $f$;
                    CREATE FUNCTION public.name_cat(name, text) RETURNS text LANGUAGE plpgsql AS $f$
                    BEGIN PERFORM public.escalate(); RETURN pg_catalog.textcat($1::text, $2); END $f$;
                    CREATE OPERATOR public.|| (LEFTARG = name, RIGHTARG = text, FUNCTION = public.name_cat);
                    """);
        }
    }

    /** In the team's source: a table whose restore calls the team's function (in a schema of its own, so nothing collides). */
    private static void plantInTheSource() throws SQLException {
        try (Connection app = source.connect(Clusters.SOURCE_DB, Clusters.SOURCE_USER, Clusters.SOURCE_PASSWORD);
             Statement st = app.createStatement()) {
            st.execute("CREATE SCHEMA traps;" + ESCALATE.replace("public.", "traps.") + """
                    CREATE FUNCTION traps.escalate_immutably(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $f$
                    BEGIN PERFORM traps.escalate(); RETURN $1; END $f$;
                    CREATE TABLE traps.booby_trap (
                        id int PRIMARY KEY CHECK (traps.escalate()),
                        shadow int GENERATED ALWAYS AS (traps.escalate_immutably(id)) STORED,
                        noted boolean DEFAULT traps.escalate());
                    CREATE INDEX booby_trap_expression ON traps.booby_trap ((traps.escalate_immutably(id)));
                    INSERT INTO traps.booby_trap (id) SELECT g FROM pg_catalog.generate_series(1, 3) g;
                    """);
        }
    }

    private static List<String> strings(PostgresCluster server, String database, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = server.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
