package io.nais.pg.backup.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.nais.pg.backup.cli.NaisCli;
import io.nais.pg.backup.cli.NaisCli.Run;
import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.dump.ObjectKeys;
import io.nais.pg.backup.run.BackupRuns;
import io.nais.pg.events.BackupCompleted;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.RestoreCompleted;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.kit.membership.MembershipProjection;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code nais postgres backups restore … --table}: some tables of a real
 * backup (real PostgreSQL, Kafka, S3, age, pg_restore), restored into a new
 * database on the app's cluster through the real CLI and the API. Three related
 * tables (customers ← orders ← billing.payments): two come back with their
 * sequences, indexes and constraints, the key to the third is reported; an
 * unknown table is refused listing the tables the backup holds; a manifest
 * that disagrees is caught; only platform admins restore; hostile names are
 * names.
 */
@QuarkusTest
@TestProfile(BackupTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TableRestoreTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    private static final String TEAM = "team-tables";
    private static final String APP = "shop";
    private static final String PATH = "/api/backups/" + TEAM + "/" + APP + "/restore";
    private static final String HOSTILE_TABLE = "--clean; DROP TABLE public.orders; --";
    private static final String MEMBER = "member@example.com";

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    ClusterRegistry clusters;
    @Inject
    BackupRuns runs;
    @Inject
    MembershipProjection members;
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private static TeamCluster cluster;
    private static TestEventBus events;
    private static UUID backupId;

    @Test
    @Order(1)
    void twoOfThreeTablesComeBackWithTheirSequencesIndexesAndConstraintsAndTheKeyToTheThirdIsReported()
            throws Exception {
        backedUpCluster();

        Run restored = nais("postgres", "backups", "restore", APP, "--backup", backupId.toString(),
                "--table", "public.orders", "--table", "billing.payments", "--to", "shop tables");

        assertThat(restored.exit()).as(restored.err() + restored.out()).isZero();
        assertThat(restored.out()).contains("tables public.orders, billing.payments")
                .contains("rows match the backup's manifest")
                .contains("not restored: public.orders: foreign key orders_customer_id_fkey references public.customers,"
                        + " which was not restored");
        assertThat(TeamCluster.rowsPerTable(cluster.postgres, "shop tables"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("public.orders", 4L, "billing.payments", 3L));
        assertThat(list("shop tables", """
                SELECT conname || ' ' || contype::text FROM pg_constraint
                 WHERE conrelid IN ('public.orders'::regclass, 'billing.payments'::regclass) ORDER BY 1
                """)).containsExactly("orders_pkey p", "payments_order_id_fkey f", "payments_paid_check c",
                "payments_pkey p");
        assertThat(list("shop tables",
                "SELECT indexname FROM pg_indexes WHERE indexname = 'payments_paid'")).containsExactly("payments_paid");
        // the serial's and the identity's sequences came with their values: the next rows do not collide
        assertThat(list("shop tables", "SELECT nextval('public.orders_id_seq')")).containsExactly("5");
        assertThat(list("shop tables", "INSERT INTO billing.payments (order_id, paid) VALUES (1, 1) RETURNING id"))
                .containsExactly("4");
        assertThat(list("shop tables", """
                SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class
                 WHERE relnamespace IN ('public'::regnamespace, 'billing'::regnamespace)
                """)).containsExactly(cluster.seeded.owner());

        RestoreCompleted completed = events.await(RestoreCompleted.class,
                e -> e.targetDatabase().equals("shop tables"), TeamCluster.EVENT_TIMEOUT).data();
        assertThat(completed.restoredBy()).isEqualTo(Tokens.ADMIN);
        assertThat(completed.tables()).containsExactly("public.orders", "billing.payments");
        assertThat(completed.backupId()).isEqualTo(backupId);
        assertThat(completed.rows()).isEqualTo(7);
        assertThat(completed.matchesManifest()).isTrue();
        assertThat(completed.referencesNotRestored()).singleElement().asString()
                .startsWith("public.orders: foreign key orders_customer_id_fkey references public.customers");
    }

    @Test
    @Order(2)
    void anUnknownTableIsRefusedWithTheTablesTheBackupHolds() throws Exception {
        backedUpCluster();

        Run refused = nais("postgres", "backups", "restore", APP, "--backup", backupId.toString(),
                "--table", "public.orders", "--table", "public.nothere", "--to", "shop unknown");

        assertThat(refused.exit()).isEqualTo(7);
        assertThat(refused.err()).contains("the backup holds no table public.nothere; it holds: billing.invoices,"
                + " billing.payments, public." + HOSTILE_TABLE + ", public.customers, public.empty_table, public.events,"
                + " public.orders");
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId.toString(), "targetDatabase", "shop unknown",
                        "tables", List.of("orders")))
                .post(PATH).then().statusCode(404).body("error", containsString("the backup holds no table orders"));
        assertThat(databaseExists("shop unknown")).isFalse();
    }

    @Test
    @Order(3)
    void aTableNamedLikeOptionsAndSqlIsOnlyAName() throws Exception {
        backedUpCluster();

        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId.toString(), "targetDatabase", "shop hostile",
                        "tables", List.of("public." + HOSTILE_TABLE)))
                .post(PATH).then().statusCode(200).body("matchesManifest", org.hamcrest.Matchers.is(true));

        assertThat(TeamCluster.rowsPerTable(cluster.postgres, "shop hostile"))
                .containsExactlyEntriesOf(Map.of("public." + HOSTILE_TABLE, 1L));
        assertThat(TeamCluster.rowsPerTable(cluster.postgres, cluster.database())).containsEntry("public.orders", 4L);
    }

    @Test
    @Order(4)
    void aManifestThatDisagreesWithTheRestoredRowsIsReported() throws Exception {
        backedUpCluster();
        String manifestKey = ObjectKeys.manifestKey(runs.find(backupId).orElseThrow().objectKey());
        try (S3Client s3 = PlainS3.client(infra.s3())) {
            byte[] original = s3.getObjectAsBytes(r -> r.bucket(PlainS3.BUCKET).key(manifestKey)).asByteArray();
            ObjectNode damaged = (ObjectNode) JsonMapper.builder().build().readTree(original);
            ((ObjectNode) damaged.get("tableRows")).put("public.orders", 5);
            s3.putObject(r -> r.bucket(PlainS3.BUCKET).key(manifestKey), RequestBody.fromBytes(damaged.toString().getBytes()));
            try {
                Run restored = nais("postgres", "backups", "restore", APP, "--backup", backupId.toString(),
                        "--table", "public.orders", "--to", "shop damaged");

                assertThat(restored.exit()).as(restored.err()).isEqualTo(1);
                assertThat(restored.out()).contains("ROWS DIFFER FROM THE BACKUP'S MANIFEST: public.orders: rows dumped 5,"
                        + " restored 4");
                RestoreCompleted completed = events.await(RestoreCompleted.class,
                        e -> e.targetDatabase().equals("shop damaged"), TeamCluster.EVENT_TIMEOUT).data();
                assertThat(completed.matchesManifest()).isFalse();
                assertThat(completed.detail()).isEqualTo("public.orders: rows dumped 5, restored 4");
            } finally {
                s3.putObject(r -> r.bucket(PlainS3.BUCKET).key(manifestKey), RequestBody.fromBytes(original));
            }
        }
    }

    @Test
    @Order(5)
    void onlyPlatformAdminsRestoreTablesNotTheTeamNorAnotherTeam() throws Exception {
        backedUpCluster();
        events.publish(Envelope.of("console-sync-service", new TeamMemberAdded(TEAM, MEMBER)));
        await().atMost(30, TimeUnit.SECONDS).until(() -> members.isMember(TEAM, MEMBER));
        Map<String, Object> request = Map.of("backupId", backupId.toString(), "targetDatabase", "shop refused",
                "tables", List.of("public.orders"));

        for (String person : List.of(MEMBER, "stranger@example.com")) {
            given().auth().oauth2(Tokens.person(person)).contentType(ContentType.JSON).body(request)
                    .post(PATH).then().statusCode(403).body("error", containsString("platform admins only"));
        }
        Map<String, String> variables = variables();
        variables.put("NAIS_TOKEN", Tokens.person(MEMBER));
        Run refused = run(variables, "postgres", "backups", "restore", APP, "--backup", backupId.toString(),
                "--table", "public.orders", "--to", "shop refused");
        assertThat(refused.exit()).isEqualTo(6);
        assertThat(databaseExists("shop refused")).isFalse();
    }

    @Test
    @Order(6)
    void theTargetDatabaseNameIsQuotedNeverReusedAndNeverTruncated() throws Exception {
        backedUpCluster();
        String hostile = "x\"; CREATE ROLE evil SUPERUSER; --";

        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId.toString(), "targetDatabase", hostile, "tables", List.of("public.customers")))
                .post(PATH).then().statusCode(200);
        assertThat(databaseExists(hostile)).isTrue();
        assertThat(list("postgres", "SELECT rolname FROM pg_roles WHERE rolname = 'evil'")).isEmpty();

        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId.toString(), "targetDatabase", cluster.database(),
                        "tables", List.of("public.customers")))
                .post(PATH).then().statusCode(409).body("error", containsString("exists already"));
        String tooLong = "t".repeat(64);
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId.toString(), "targetDatabase", tooLong, "tables", List.of("public.customers")))
                .post(PATH).then().statusCode(400).body("error", containsString("longer than 63 bytes"));
        assertThat(databaseExists(tooLong.substring(0, 63))).isFalse();
    }

    /** One cluster and one backup for every test: three related tables, a hostile name, the team's usual tables. */
    private void backedUpCluster() throws Exception {
        if (backupId != null) {
            return;
        }
        events = lifecycle.events(infra);
        cluster = lifecycle.started(TeamCluster.start(infra, TEAM, APP, 10));
        cluster.postgres.execute(cluster.database(), """
                CREATE TABLE billing.payments (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                               order_id bigint NOT NULL REFERENCES public.orders (id),
                                               paid numeric NOT NULL CHECK (paid > 0));
                CREATE INDEX payments_paid ON billing.payments (paid);
                INSERT INTO billing.payments (order_id, paid) VALUES (1, 10.5), (2, 99), (4, 42);
                CREATE TABLE public."--clean; DROP TABLE public.orders; --" (id int);
                INSERT INTO public."--clean; DROP TABLE public.orders; --" VALUES (1);
                """);
        cluster.announce(events);
        await().atMost(30, TimeUnit.SECONDS).until(() -> clusters.live(cluster.clusterId()).isPresent());
        String id = given().auth().oauth2(Tokens.admin()).post("/api/backups/" + TEAM + "/" + APP).then()
                .statusCode(202).extract().path("backupId");
        backupId = UUID.fromString(id);
        events.await(BackupCompleted.class, e -> e.backupId().equals(backupId), TeamCluster.EVENT_TIMEOUT);
    }

    private List<String> list(String database, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = cluster.postgres.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private boolean databaseExists(String name) throws SQLException {
        try (Connection c = cluster.postgres.connect("postgres");
             var ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private Run nais(String... args) throws Exception {
        return run(variables(), args);
    }

    private Map<String, String> variables() throws Exception {
        Map<String, String> variables = new HashMap<>();
        variables.put("NAIS_CONFIG_DIR", Files.createTempDirectory("nais-config").toString());
        variables.put("NAIS_TOKEN", Tokens.admin());
        variables.put("NAIS_BACKUP_URL", "http://127.0.0.1:" + port);
        variables.put("NAIS_TEAM", TEAM);
        return variables;
    }

    private static Run run(Map<String, String> variables, String... args) {
        return NaisCli.run(variables, args);
    }
}
