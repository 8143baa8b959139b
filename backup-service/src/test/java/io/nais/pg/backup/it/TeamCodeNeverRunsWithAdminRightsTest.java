package io.nais.pg.backup.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.verify.RestoreVerifier;
import io.nais.pg.events.BackupCompleted;
import io.nais.pg.events.RestoreVerified;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Issue 18, hole 1, from backup-service's side: a team's application role
 * plants code that tries to make itself superuser, and to read another team's
 * verification database, wherever the platform might run it with admin
 * rights: {@code public.format} overloads that beat
 * {@code pg_catalog.format(text, VARIADIC "any")} on exact types (the row
 * count), and a CHECK constraint, a generated column, an index expression and
 * a column default that call it (pg_restore evaluates the first three). Then
 * a real backup, a restore verification on the shared scratch server and a
 * restore into the team's cluster run, and pgjdbc checks that nothing escalated.
 */
@QuarkusTest
@TestProfile(BackupTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TeamCodeNeverRunsWithAdminRightsTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    /** Stands in for another team's verification in progress on the scratch server. */
    private static final String VICTIM_DATABASE = "team_b_verification";
    private static final String SECRET = "SECRET-" + UUID.randomUUID().toString().substring(0, 12);
    /**
     * Written by the team's code with {@code COPY … TO} a server file, which only a superuser may do, and
     * which a read-only transaction (the backup's snapshot) still allows: the proof that it ran as one.
     */
    private static final Path EVIDENCE = Path.of("/tmp", "nais-team-code-ran-as-superuser-" + UUID.randomUUID());

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    ClusterRegistry clusters;
    @Inject
    RestoreVerifier verifier;

    private static TeamCluster cluster;
    private static TestEventBus events;
    private static UUID backupId;

    @AfterAll
    static void stop() throws Exception {
        Files.deleteIfExists(EVIDENCE);
        Infrastructure.shared().postgres().execute("postgres", "DROP DATABASE IF EXISTS " + VICTIM_DATABASE);
        Infrastructure.shared().postgres().execute("postgres", "DROP ROLE IF EXISTS team_b_owner");
    }

    @Test
    @Order(1)
    void theBackupsRowCountDoesNotRunTheTeamsFormat() throws Exception {
        events = lifecycle.events(infra);
        cluster = lifecycle.started(TeamCluster.start(infra, "team-evil", "shop", 100));
        plantEscalation(cluster);
        cluster.announce(events);
        await().atMost(30, TimeUnit.SECONDS).until(() -> clusters.live(cluster.clusterId()).isPresent());

        String id = given().auth().oauth2(Tokens.admin()).post("/api/backups/team-evil/shop").then().statusCode(202)
                .extract().path("backupId");
        backupId = UUID.fromString(id);
        events.await(BackupCompleted.class, e -> e.backupId().equals(backupId), TeamCluster.EVENT_TIMEOUT);

        assertThat(EVIDENCE).as("the team's code ran as a superuser").doesNotExist();
        assertThat(superusers(cluster.postgres)).containsExactly(cluster.postgres.adminUser());
    }

    @Test
    @Order(2)
    void restoreVerificationRunsTheTeamsCodeAsAThrowawayLoginThatCannotEscalateOrReadOtherTeams() throws Exception {
        PostgresCluster scratch = Infrastructure.shared().postgres();
        anotherTeamsVerificationDatabase(scratch);

        RestoreVerified verdict = verifier.verifyNewest(cluster.clusterId()).orElseThrow();

        assertThat(rolesLike(scratch, "stolen%")).as("another team's data was read").isEmpty();
        assertThat(EVIDENCE).as("the team's code ran as a superuser").doesNotExist();
        assertThat(superusers(scratch)).containsExactly(scratch.adminUser());
        assertThat(verdict.detail()).isNull();
        assertThat(verdict.ok()).isTrue();
        assertThat(rolesLike(scratch, "escalated%")).isEmpty();
        assertThat(rolesLike(scratch, "nais\\_verify\\_%")).as("the throwaway login is dropped").isEmpty();
        assertThat(databasesLike(scratch, "nais\\_verify\\_%")).as("the verification database is dropped").isEmpty();
    }

    @Test
    @Order(3)
    void aRestoreIntoTheTeamsClusterRunsTheTeamsCodeWithTheTeamsRightsOnly() throws Exception {
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId.toString(), "targetDatabase", "shop restored"))
                .post("/api/backups/team-evil/shop/restore")
                .then().statusCode(200);

        assertThat(EVIDENCE).as("the team's code ran as a superuser").doesNotExist();
        assertThat(superusers(cluster.postgres)).containsExactly(cluster.postgres.adminUser());
        assertThat(rolesLike(cluster.postgres, "escalated%")).isEmpty();
        // the throwaway logins are nais_restore_<random>; the group they belong to, nais_restore, stays
        assertThat(rolesLike(cluster.postgres, "nais\\_restore\\_%")).as("the throwaway login is dropped").isEmpty();
        assertThat(TeamCluster.rowsPerTable(cluster.postgres, "shop restored"))
                .isEqualTo(TeamCluster.rowsPerTable(cluster.postgres, cluster.database()));
        assertThat(ownersOfRestoredTables(cluster.postgres, "shop restored")).containsOnly(cluster.seeded.owner());
    }

    /**
     * As the team's application role (it owns its database, so it may create
     * in {@code public}): {@code public.escalate()} tries to leave any
     * {@code --role} (RESET ROLE), make the application role and a new role
     * superuser, write a server file (what a superuser may do even in the
     * backup's read-only snapshot), and read another database's files,
     * quietly, so that nothing but its success shows.
     */
    private static void plantEscalation(TeamCluster team) throws SQLException {
        String appRole = team.seeded.owner();
        try (Connection app = team.postgres.connect(team.database(), appRole, team.seeded.password());
             Statement st = app.createStatement()) {
            st.execute("""
                    CREATE FUNCTION public.escalate() RETURNS boolean LANGUAGE plpgsql SECURITY INVOKER AS $f$
                    DECLARE
                        victim oid;
                        file text;
                        content bytea;
                        at int;
                    BEGIN
                        BEGIN RESET ROLE; EXCEPTION WHEN OTHERS THEN NULL; END;
                        BEGIN EXECUTE pg_catalog.format('ALTER ROLE %%I SUPERUSER', '%1$s'); EXCEPTION WHEN OTHERS THEN NULL; END;
                        BEGIN EXECUTE pg_catalog.format('CREATE ROLE %%I SUPERUSER', 'escalated_' || pg_catalog.md5(pg_catalog.random()::text));
                        EXCEPTION WHEN OTHERS THEN NULL; END;
                        BEGIN EXECUTE pg_catalog.format('COPY (SELECT current_user) TO %%L', '%3$s');
                        EXCEPTION WHEN OTHERS THEN NULL; END;
                        BEGIN
                            SELECT oid INTO victim FROM pg_catalog.pg_database WHERE datname = '%2$s';
                            FOR file IN SELECT pg_catalog.pg_ls_dir('base/' || victim) LOOP
                                content := pg_catalog.pg_read_binary_file('base/' || victim || '/' || file);
                                at := position(convert_to('SECRET-', 'UTF8') IN content);
                                IF at > 0 THEN
                                    EXECUTE pg_catalog.format('CREATE ROLE %%I', 'stolen_'
                                        || convert_from(substring(content FROM at FOR 19), 'UTF8'));
                                END IF;
                            END LOOP;
                        EXCEPTION WHEN OTHERS THEN NULL;
                        END;
                        RETURN true;
                    END $f$;
                    CREATE FUNCTION public.escalate_immutably(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $f$
                    BEGIN PERFORM public.escalate(); RETURN $1; END $f$;
                    CREATE FUNCTION public.format(text, text) RETURNS text LANGUAGE plpgsql AS $f$
                    BEGIN PERFORM public.escalate(); RETURN pg_catalog.format($1, $2); END $f$;
                    CREATE FUNCTION public.format(text, name) RETURNS text LANGUAGE plpgsql AS $f$
                    BEGIN PERFORM public.escalate(); RETURN pg_catalog.format($1, $2); END $f$;
                    CREATE FUNCTION public.format(text, name, name) RETURNS text LANGUAGE plpgsql AS $f$
                    BEGIN PERFORM public.escalate(); RETURN pg_catalog.format($1, $2, $3); END $f$;
                    CREATE TABLE public.booby_trap (
                        id int PRIMARY KEY CHECK (public.escalate()),
                        shadow int GENERATED ALWAYS AS (public.escalate_immutably(id)) STORED,
                        noted boolean DEFAULT public.escalate());
                    CREATE INDEX booby_trap_expression ON public.booby_trap ((public.escalate_immutably(id)));
                    INSERT INTO public.booby_trap (id) SELECT g FROM pg_catalog.generate_series(1, 3) g;
                    -- the team owns its tables' row types, so it may cast them to text: a content
                    -- checksum that took a row's text by a cast (t::text) would run this as the admin
                    CREATE FUNCTION public.booby_text(public.booby_trap) RETURNS text LANGUAGE plpgsql AS $f$
                    BEGIN PERFORM public.escalate(); RETURN 'x'; END $f$;
                    CREATE CAST (public.booby_trap AS text) WITH FUNCTION public.booby_text(public.booby_trap);
                    """.formatted(appRole, VICTIM_DATABASE, EVIDENCE));
        }
        assertThat(superusers(team.postgres)).as("planting alone escalates nothing").containsExactly(team.postgres.adminUser());
    }

    /** A database owned by another team's role, closed to others, with a secret flushed to its files. */
    private static void anotherTeamsVerificationDatabase(PostgresCluster scratch) {
        scratch.execute("postgres", "CREATE ROLE team_b_owner NOLOGIN");
        scratch.execute("postgres", "CREATE DATABASE " + VICTIM_DATABASE + " OWNER team_b_owner");
        scratch.execute("postgres", "REVOKE ALL ON DATABASE " + VICTIM_DATABASE + " FROM PUBLIC");
        scratch.execute(VICTIM_DATABASE, "CREATE TABLE secrets (value text); INSERT INTO secrets VALUES ('" + SECRET + "')");
        scratch.execute("postgres", "CHECKPOINT");
    }

    private static List<String> superusers(PostgresCluster server) throws SQLException {
        return strings(server, "postgres", "SELECT rolname FROM pg_catalog.pg_roles WHERE rolsuper ORDER BY 1");
    }

    private static List<String> rolesLike(PostgresCluster server, String pattern) throws SQLException {
        return strings(server, "postgres", "SELECT rolname FROM pg_catalog.pg_roles WHERE rolname LIKE '" + pattern + "'");
    }

    private static List<String> databasesLike(PostgresCluster server, String pattern) throws SQLException {
        return strings(server, "postgres", "SELECT datname FROM pg_catalog.pg_database WHERE datname LIKE '" + pattern + "'");
    }

    private static List<String> ownersOfRestoredTables(PostgresCluster server, String database) throws SQLException {
        return strings(server, database, """
                SELECT DISTINCT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c
                  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind = 'r' AND n.nspname IN ('public', 'billing')
                """);
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
