package io.nais.pg.backup.migrate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.it.BackupTestLifecycle;
import io.nais.pg.backup.it.BackupTestProfile;
import io.nais.pg.backup.it.Tokens;
import io.nais.pg.cli.Environment;
import io.nais.pg.cli.Nais;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.MigrationCompleted;
import io.nais.pg.events.MigrationFailed;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.kit.membership.MembershipProjection;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.postgres.CloudSqlSource;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * {@code nais postgres migrate} run by the platform, end to end: the real CLI
 * (in-process through its picocli entry point) asks this service to migrate
 * the shared "Cloud SQL" source (test-support's {@link CloudSqlSource}: enum,
 * view, a table without a key, sequences) into a team's real cluster, follows
 * the progress and prints the verified report. Then the source's password is
 * looked for everywhere the service writes: every platform topic on Kafka,
 * every row of its database, and every log line it wrote meanwhile.
 */
@QuarkusTest
@TestProfile(BackupTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
class NaisPostgresMigrateTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    private static final String TEAM = "team-mig";
    private static final String APP = "shop";
    private static final String DATABASE = "shop_app";
    private static final String APP_ROLE = "shop_app_owner";
    private static final String MEMBER = "member@example.com";
    private static final String STRANGER = "stranger@example.com";

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    ClusterRegistry clusters;
    @Inject
    MembershipProjection members;
    @Inject
    DataSource serviceDatabase;
    @Inject
    MigrationJobs jobs;
    @Inject
    MigrationJobRows rows;
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private static PostgresCluster source;
    private static PostgresCluster target;
    private static TestEventBus events;
    private static final LogLines LOGS = new LogLines();

    @BeforeAll
    static void clusters() {
        java.util.logging.Logger.getLogger("").addHandler(LOGS);
        source = lifecycle.closedAfterAll(CloudSqlSource.start());
        CloudSqlSource.seed(source, CloudSqlSource.SCHEMA);
    }

    @AfterAll
    static void stop() {
        java.util.logging.Logger.getLogger("").removeHandler(LOGS);
    }

    @Test
    void theServiceMigratesFollowedByTheCliWithTheVerifiedReportAndThePasswordGoesNowhere() throws Exception {
        announced();

        Run migrated = nais(MEMBER, "postgres", "migrate", APP, "--from", "env:SOURCE_URL");

        assertThat(migrated.exit).as(migrated.err + migrated.out).isZero();
        assertThat(migrated.err).contains("started in backup-service")
                .containsPattern("(plan|copy|verify): [0-9.]+ [kMGT]?B of ~[0-9.]+ [kMGT]?B, \\d+ tables");
        assertThat(migrated.out).contains("plan (dump mode)").contains("public.customers").contains("sales.orders")
                .contains("sales.order_lines").contains("audit.events").contains("MATCH").contains("completed in backup-service");
        UUID id = migrationId(migrated.err);

        JsonPath status = given().auth().oauth2(Tokens.person(MEMBER)).get("/api/migrations/" + id)
                .then().statusCode(200).extract().jsonPath();
        assertThat(status.getString("state")).isEqualTo("COMPLETED");
        assertThat(status.getLong("bytesCopied")).isPositive();
        assertThat(status.getLong("bytesExpected")).isPositive();
        assertThat(status.getInt("tables")).isEqualTo(4);
        assertThat(status.getBoolean("report.ok")).isTrue();
        assertThat(status.getLong("report.rows")).isEqualTo(CloudSqlSource.ROWS);
        assertThat(status.getList("report.tables.table")).containsExactlyInAnyOrder("public.customers", "sales.orders",
                "sales.order_lines", "audit.events");
        assertThat(status.getString("requestedBy")).isEqualTo(MEMBER);

        // enum, view, the table without a key, owned by the app's role
        assertThat(queryLong(target, DATABASE, "SELECT count(*) FROM sales.paid_orders")).isEqualTo(16667);
        assertThat(queryLong(target, DATABASE, "SELECT count(*) FROM pg_type WHERE typname = 'order_status' AND typtype = 'e'"))
                .isEqualTo(1);
        assertThat(queryLong(target, DATABASE, "SELECT count(*) FROM audit.events")).isEqualTo(510);
        assertThat(queryLong(target, DATABASE, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname IN ('public', 'sales', 'audit') AND pg_get_userbyid(c.relowner) <> '" + APP_ROLE + "'"))
                .isZero();
        Envelope<MigrationCompleted> completed = events.await(MigrationCompleted.class, e -> e.migrationId().equals(id),
                Duration.ofSeconds(30));
        assertThat(completed.data().tables()).isEqualTo(4);
        assertThat(completed.data().rows()).isEqualTo(CloudSqlSource.ROWS);

        // the same again into the now filled database: blocked by the plan, exit 11, MigrationFailed
        Run blocked = nais(MEMBER, "postgres", "migrate", APP, "--from", "env:SOURCE_URL");
        assertThat(blocked.exit).as(blocked.err).isEqualTo(11);
        assertThat(blocked.out).contains("BLOCKER: the target database is not empty");
        UUID blockedId = migrationId(blocked.err);
        events.await(MigrationFailed.class, e -> e.migrationId().equals(blockedId) && e.stage().equals("plan"),
                Duration.ofSeconds(30));

        assertThat(LOGS.text()).contains("migration " + id + " into " + TEAM + "/" + APP); // the capture works
        assertThat(LOGS.text()).doesNotContain(CloudSqlSource.PASSWORD);
        assertThat(kafkaRecordsHolding(CloudSqlSource.PASSWORD)).isEmpty();
        assertThat(serviceRowsHolding(CloudSqlSource.PASSWORD)).isEmpty();
        assertThat(migrated.out + migrated.err + blocked.out + blocked.err).doesNotContain(CloudSqlSource.PASSWORD);
    }

    @Test
    void withoutATokenItIs401AndAStrangerIsRefused403ThroughApiAndCli() throws Exception {
        announced();
        Map<String, Object> order = Map.of("source", CloudSqlSource.url(source));
        String path = "/api/migrations/" + TEAM + "/" + APP;

        given().contentType(ContentType.JSON).body(order).post(path).then().statusCode(401);
        given().auth().oauth2(Tokens.person(STRANGER)).contentType(ContentType.JSON).body(order).post(path)
                .then().statusCode(403).body("error", containsString("not a member of team " + TEAM));
        UUID someonesMigration = UUID.randomUUID();
        rows.insert(new RunningMigration(someonesMigration, TEAM + "/" + APP, TEAM, MEMBER, java.time.Instant.now()));
        given().auth().oauth2(Tokens.person(STRANGER)).get("/api/migrations/" + someonesMigration).then().statusCode(403);

        Run refused = nais(STRANGER, "postgres", "migrate", APP, "--from", "env:SOURCE_URL");
        assertThat(refused.exit).isEqualTo(6);
        assertThat(refused.err).contains("not a member of team " + TEAM);
    }

    @Test
    void aSourceAtTheCloudMetadataAddressIsRefused400AndNoMigrationStarts() {
        announced();
        int before = migrationsOfTeam();

        given().auth().oauth2(Tokens.person(MEMBER)).contentType(ContentType.JSON)
                .body(Map.of("source", "postgresql://u:pw@169.254.169.254:5432/db"))
                .post("/api/migrations/" + TEAM + "/" + APP)
                .then().statusCode(400).body("error", containsString("169.254.0.0/16"));
        given().auth().oauth2(Tokens.person(MEMBER)).contentType(ContentType.JSON)
                .body(Map.of("source", "postgresql://u:pw@[::ffff:169.254.169.254]:5432/db"))
                .post("/api/migrations/" + TEAM + "/" + APP)
                .then().statusCode(400).body("error", containsString("169.254.0.0/16"));

        assertThat(migrationsOfTeam()).isEqualTo(before);
    }

    @Test
    void aSecondMigrationIntoTheSameClusterWhileOneRunsIsRefused409() throws Exception {
        announced();
        UUID first;
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // the kernel completes the connection from the backlog and nobody answers: the first stays in its plan
            Map<String, Object> order = Map.of("source", "postgresql://u:pw@127.0.0.1:" + silent.getLocalPort()
                    + "/db?sslmode=disable");
            first = UUID.fromString(given().auth().oauth2(Tokens.person(MEMBER)).contentType(ContentType.JSON).body(order)
                    .post("/api/migrations/" + TEAM + "/" + APP).then().statusCode(202).extract().path("migrationId"));

            given().auth().oauth2(Tokens.person(MEMBER)).contentType(ContentType.JSON).body(order)
                    .post("/api/migrations/" + TEAM + "/" + APP)
                    .then().statusCode(409).body("error", containsString("migration " + first + " into " + TEAM + "/" + APP));
        }
        // the silent server is gone: the first ends unreachable, and the cluster is free again
        await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> given().auth().oauth2(Tokens.person(MEMBER))
                .get("/api/migrations/" + first).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("FAILED")).body("failure", org.hamcrest.Matchers.equalTo("UNREACHABLE")));
    }

    @Test
    void aMigrationTheServiceWasRunningWhenItStoppedEndsFailedWithTheReason() {
        announced();
        UUID interrupted = UUID.randomUUID();
        rows.insert(new RunningMigration(interrupted, TEAM + "/" + APP, TEAM, MEMBER, java.time.Instant.now()));

        jobs.failInterrupted(null); // what the next start-up does

        JsonPath status = given().auth().oauth2(Tokens.person(MEMBER)).get("/api/migrations/" + interrupted)
                .then().statusCode(200).extract().jsonPath();
        assertThat(status.getString("state")).isEqualTo("FAILED");
        assertThat(status.getString("failure")).isEqualTo("COPY_FAILED");
        assertThat(status.getString("detail")).contains("restarted").contains("run nais postgres migrate again");
    }

    /** The team's empty database on a real cluster, announced on Kafka; MEMBER on the team (real events). */
    private void announced() {
        if (target == null) {
            events = lifecycle.events(infra);
            target = lifecycle.closedAfterAll(
                    infra.newCluster(TEAM + "-" + APP, options -> options.onlyKnownRoles(APP_ROLE, "+nais_restore")));
            target.createLoginRole(APP_ROLE, "app-Pa55");
            target.createDatabase(DATABASE, APP_ROLE);
            events.publish(Envelope.of("console-sync-service", new ClusterDiscovered(TEAM + "/" + APP, TEAM, APP,
                    target.host(), target.port(), DATABASE, APP_ROLE, List.of("public"),
                    "file:" + target.adminSecretFile(), "15", "Running")));
            events.publish(Envelope.of("test", new TeamMemberAdded(TEAM, MEMBER)));
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> clusters.live(TEAM + "/" + APP).isPresent()
                && members.isMember(TEAM, MEMBER));
    }

    private Run nais(String person, String... args) throws Exception {
        Map<String, String> variables = new HashMap<>();
        variables.put("NAIS_CONFIG_DIR", Files.createTempDirectory("nais-config").toString());
        variables.put("NAIS_TOKEN", Tokens.person(person));
        variables.put("NAIS_BACKUP_URL", "http://127.0.0.1:" + port);
        variables.put("NAIS_TEAM", TEAM);
        variables.put("SOURCE_URL", CloudSqlSource.url(source));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Nais.run(new Environment(variables, Path.of(System.getProperty("user.home"))),
                new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static UUID migrationId(String err) {
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("migration ([0-9a-f-]{36}) of").matcher(err);
        assertThat(id.find()).as(err).isTrue();
        return UUID.fromString(id.group(1));
    }

    /** Every record on every platform topic (and its dead-letter topic) whose bytes hold {@code secret}. */
    private List<String> kafkaRecordsHolding(String secret) {
        List<String> found = new ArrayList<>();
        for (String topic : Infrastructure.platformTopics()) {
            events.readAllRaw(topic).stream()
                    .filter(r -> r.value() != null && new String(r.value(), StandardCharsets.UTF_8).contains(secret))
                    .forEach(r -> found.add(topic + "@" + r.offset()));
        }
        return found;
    }

    /** Every column of every table of the service's database whose value holds {@code secret} (bytea as bytes). */
    private List<String> serviceRowsHolding(String secret) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection c = serviceDatabase.getConnection(); Statement st = c.createStatement();
             ResultSet columns = st.executeQuery("SELECT table_schema, table_name, column_name, data_type"
                     + " FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")) {
            List<String[]> all = new ArrayList<>();
            while (columns.next()) {
                all.add(new String[] {columns.getString(1), columns.getString(2), columns.getString(3), columns.getString(4)});
            }
            for (String[] column : all) {
                String name = quote(column[0]) + "." + quote(column[1]);
                String value = "bytea".equals(column[3]) ? "position(convert_to(?, 'UTF8') in " + quote(column[2]) + ") > 0"
                        : "strpos(" + quote(column[2]) + "::text, ?) > 0";
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + name + " WHERE " + value)) {
                    ps.setString(1, secret);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            found.add(name + "." + column[2]);
                        }
                    }
                }
            }
        }
        return found;
    }

    private int migrationsOfTeam() {
        try (Connection c = serviceDatabase.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM migration_job WHERE team = ?")) {
            ps.setString(1, TEAM);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String identifier) throws SQLException {
        return org.postgresql.core.Utils.escapeIdentifier(null, identifier).toString();
    }

    private static long queryLong(PostgresCluster cluster, String database, String sql) throws SQLException {
        try (Connection c = cluster.connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every log record of the process while the class runs, formatted as the console would show its message. */
    private static final class LogLines extends Handler {
        private final List<String> lines = new CopyOnWriteArrayList<>();

        LogLines() {
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
            StringWriter thrown = new StringWriter();
            if (record.getThrown() != null) {
                record.getThrown().printStackTrace(new PrintWriter(thrown));
            }
            lines.add(record.getLoggerName() + " " + message + " " + thrown);
        }

        String text() {
            return String.join("\n", lines);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private record Run(int exit, String out, String err) {
    }
}
