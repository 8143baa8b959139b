package io.nais.pg.cli.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.cli.ExitCode;
import io.nais.pg.cli.testing.InProcess;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.MigrationCompleted;
import io.nais.pg.events.MigrationFailed;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real command with {@code --local} (the operators' in-process run),
 * against two real clusters and a real Kafka broker: plan, migration, events,
 * exit codes, and the source password never in what it prints. Without
 * {@code --local} the platform runs it: backup-service's NaisPostgresMigrateTest.
 */
class MigrateCommandTest {

    static final String SOURCE_PASSWORD = "Cl0udSql-s3cret-pw";

    static PostgresCluster source;
    static PostgresCluster target;
    static KafkaBroker kafka;
    static TestEventBus bus;

    @TempDir
    Path home;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaBroker.start();
        kafka.createTopics("nais.pg.migrations.v1");
        bus = new TestEventBus(kafka.bootstrapServers());
        source = PostgresCluster.builder().name("cloudsql-cli").start();
        target = PostgresCluster.builder().name("platform-cli").start();
        source.execute("postgres", "CREATE ROLE app LOGIN PASSWORD '" + SOURCE_PASSWORD + "'");
        source.createDatabase("shop", "app");
        try (Connection c = source.connect("shop", "app", SOURCE_PASSWORD); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items (name) SELECT 'item ' || g FROM generate_series(1, 1000) g;"
                    + " CREATE TABLE log (line text); INSERT INTO log VALUES ('a'), ('b')");
        }
        target.createLoginRole("demo_app_owner", "x");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {bus, kafka, source, target}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    @Test
    void dryRunPrintsThePlanWithoutThePasswordAndChangesNothing() throws Exception {
        target.createDatabase("dry", "demo_app_owner");
        InProcess.Result result = migrate(env("dry"), "migrate", "demo-app", "--from", "env:SOURCE_URL", "--dry-run");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("plan (dump mode)").contains("public.items").contains("public.log")
                .contains("NONE").contains("estimate").contains("dry run: no blockers");
        assertNoPassword(result);
        assertThat(count(target, "dry", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).isZero();
    }

    @Test
    void migrateCopiesVerifiesAndEmitsMigrationCompletedWithoutEchoingThePassword() throws Exception {
        target.createDatabase("full", "demo_app_owner");
        InProcess.Result result = migrate(env("full"), "migrate", "demo-app", "--from", sourceUrl());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("MATCH").contains("completed").contains("MigrationCompleted emitted");
        assertThat(result.err()).contains("copy:").contains("postgresql://app:***@");
        assertNoPassword(result);
        assertThat(count(target, "full", "SELECT count(*) FROM items")).isEqualTo(1000);
        Envelope<MigrationCompleted> event = bus.await(MigrationCompleted.class,
                e -> e.clusterId().equals("team-a/demo-app") && e.rows() == 1002, Duration.ofSeconds(20));
        assertThat(event.data().tables()).isEqualTo(2);
        assertThat(event.key()).isEqualTo("team-a/demo-app");
    }

    @Test
    void nonEmptyTargetExitsBlockedAndEmitsMigrationFailed() throws Exception {
        target.createDatabase("busy", "demo_app_owner");
        target.execute("busy", "CREATE TABLE present (id int)");
        InProcess.Result result = migrate(env("busy"), "migrate", "demo-app", "--from", "env:SOURCE_URL", "--team", "team-b");

        assertThat(result.exitCode()).isEqualTo(ExitCode.MIGRATION_BLOCKED.status());
        assertThat(result.out()).contains("BLOCKER: the target database is not empty");
        assertThat(result.err()).contains("--force");
        assertNoPassword(result);
        bus.await(MigrationFailed.class, e -> e.clusterId().equals("team-b/demo-app") && e.stage().equals("plan"),
                Duration.ofSeconds(20));
    }

    @Test
    void wrongSourcePasswordExitsUnreachable() {
        target.createDatabase("wrong", "demo_app_owner");
        Map<String, String> env = env("wrong");
        env.put("SOURCE_URL", "postgresql://app:not-" + SOURCE_PASSWORD + "@" + source.host() + ":" + source.port() + "/shop?sslmode=disable");
        InProcess.Result result = migrate(env, "migrate", "demo-app", "--from", "env:SOURCE_URL");

        assertThat(result.exitCode()).isEqualTo(ExitCode.DATABASE_UNREACHABLE.status());
        assertThat(result.err()).contains("refused the login").contains("28P01");
        assertNoPassword(result);
    }

    @Test
    void withoutLocalTheTargetsAdminUrlAndReplicateModeAreRefusedAsUsage() {
        Map<String, String> env = env("unused");
        InProcess.Result to = InProcess.run(env, home, "postgres", "migrate", "demo-app", "--from", "env:SOURCE_URL",
                "--to", "env:CLUSTER_TEAM_A_DEMO_APP_ADMIN_URL");
        InProcess.Result replicate = InProcess.run(env, home, "postgres", "migrate", "demo-app", "--from", "env:SOURCE_URL",
                "--mode", "replicate");

        assertThat(to.exitCode()).isEqualTo(ExitCode.USAGE.status());
        assertThat(to.err()).contains("--to is for --local");
        assertThat(replicate.exitCode()).isEqualTo(ExitCode.USAGE.status());
        assertThat(replicate.err()).contains("add --local");
    }

    @Test
    void withoutLocalAndWithoutTheBackupServiceUrlTheConfigurationErrorNamesTheKey() {
        InProcess.Result result = InProcess.run(env("unused"), home, "postgres", "migrate", "demo-app", "--from", "env:SOURCE_URL");

        assertThat(result.exitCode()).isEqualTo(ExitCode.CONFIG.status());
        assertThat(result.err()).contains("backup.url");
        assertNoPassword(result);
    }

    /** {@code nais postgres <args> --local}: the in-process run. */
    private InProcess.Result migrate(Map<String, String> env, String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "postgres";
        System.arraycopy(args, 0, full, 1, args.length);
        full[full.length - 1] = "--local";
        return InProcess.run(env, home, full);
    }

    private Map<String, String> env(String targetDatabase) {
        Map<String, String> env = new HashMap<>();
        env.put("NAIS_CONFIG_DIR", home.toString());
        env.put("NAIS_TEAM", "team-a");
        env.put("SOURCE_URL", sourceUrl());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        String adminUrl = "postgresql://" + target.adminUser() + ":" + target.adminPassword() + "@" + target.host() + ":"
                + target.port() + "/" + targetDatabase + "?sslmode=verify-full&sslrootcert=" + target.serverCaFile();
        env.put("CLUSTER_TEAM_A_DEMO_APP_ADMIN_URL", adminUrl);
        env.put("CLUSTER_TEAM_B_DEMO_APP_ADMIN_URL", adminUrl);
        return env;
    }

    private static String sourceUrl() {
        return "postgresql://app:" + SOURCE_PASSWORD + "@" + source.host() + ":" + source.port() + "/shop?sslmode=disable";
    }

    private static void assertNoPassword(InProcess.Result result) {
        assertThat(result.out()).doesNotContain(SOURCE_PASSWORD).doesNotContain(target.adminPassword());
        assertThat(result.err()).doesNotContain(SOURCE_PASSWORD).doesNotContain(target.adminPassword());
    }

    private static long count(PostgresCluster cluster, String db, String sql) throws Exception {
        try (Connection c = cluster.connect(db); Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
