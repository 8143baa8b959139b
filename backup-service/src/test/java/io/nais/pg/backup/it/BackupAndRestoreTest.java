package io.nais.pg.backup.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.crypto.AgeIdentities;
import io.nais.pg.backup.dump.Manifest;
import io.nais.pg.backup.dump.ObjectKeys;
import io.nais.pg.backup.run.BackupRecord;
import io.nais.pg.backup.run.BackupRuns;
import io.nais.pg.backup.verify.RestoreVerifier;
import io.nais.pg.events.BackupCompleted;
import io.nais.pg.events.BackupStarted;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.RestoreVerified;
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
 * A real backup of a cluster with several tables and a large one, on real
 * PostgreSQL, Kafka and S3: learned from ClusterDiscovered, taken on demand
 * through the API, verified by a scratch restore, restored to a target, and
 * restored by hand with standard tools only. Then the failure modes of reading
 * it back: a damaged object and a wrong key.
 */
@QuarkusTest
@TestProfile(BackupTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupAndRestoreTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    private static final long LARGE_ROWS = 300_000;

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    ClusterRegistry clusters;
    @Inject
    BackupRuns runs;
    @Inject
    RestoreVerifier verifier;

    private static TeamCluster cluster;
    private static TestEventBus events;
    private static UUID backupId;

    @Test
    @Order(1)
    void onDemandBackupOfALearnedClusterIsStoredWithManifestAndEvents() throws Exception {
        events = lifecycle.events(infra);
        cluster = lifecycle.started(TeamCluster.start(infra, "team-a", "orders", LARGE_ROWS));
        cluster.announce(events);
        await().atMost(30, TimeUnit.SECONDS).until(() -> clusters.live(cluster.clusterId()).isPresent());

        String id = given().auth().oauth2(Tokens.admin()).post("/api/backups/team-a/orders").then().statusCode(202)
                .extract().path("backupId");
        backupId = UUID.fromString(id);

        events.await(BackupStarted.class, e -> e.backupId().equals(backupId), TeamCluster.EVENT_TIMEOUT);
        Envelope<BackupCompleted> completed = events.await(BackupCompleted.class,
                e -> e.backupId().equals(backupId), TeamCluster.EVENT_TIMEOUT);

        BackupCompleted done = completed.data();
        assertThat(done.pgVersion()).startsWith("15");
        assertThat(done.objectKey()).startsWith("team-a/orders/").endsWith(ObjectKeys.DUMP_SUFFIX);
        try (S3Client s3 = PlainS3.client(infra.s3())) {
            long stored = s3.headObject(r -> r.bucket(PlainS3.BUCKET).key(done.objectKey())).contentLength();
            assertThat(stored).isEqualTo(done.bytes()).isGreaterThan(5L * 1024 * 1024); // several parts
            Manifest manifest = Manifest.fromJson(s3.getObjectAsBytes(r -> r.bucket(PlainS3.BUCKET)
                    .key(ObjectKeys.manifestKey(done.objectKey()))).asByteArray());
            assertThat(manifest.sha256()).isEqualTo(done.sha256());
            assertThat(manifest.tableRows()).isEqualTo(TeamCluster.rowsPerTable(cluster.postgres, cluster.database()));
            assertThat(manifest.tableRows()).containsEntry("public.events", LARGE_ROWS)
                    .containsEntry("billing.invoices", 250L).containsEntry("public.empty_table", 0L);
        }
        List<Map<String, Object>> listed = given().auth().oauth2(Tokens.admin()).get("/api/backups/team-a/orders").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertThat(listed).anySatisfy(row -> {
            assertThat(row.get("backupId")).isEqualTo(id);
            assertThat(row.get("state")).isEqualTo("COMPLETED");
            assertThat(row.get("sha256")).isEqualTo(done.sha256());
        });
    }

    @Test
    @Order(2)
    void scheduledVerificationRestoresTheNewestBackupAndFindsEveryRow() {
        RestoreVerified verdict = verifier.verifyNewest(cluster.clusterId()).orElseThrow();

        assertThat(verdict.detail()).isNull();
        assertThat(verdict.ok()).isTrue();
        assertThat(verdict.backupId()).isEqualTo(backupId);
        assertThat(verdict.tables()).isEqualTo(5);
        assertThat(verdict.rows()).isEqualTo(LARGE_ROWS + 250 + 3 + 4);
        events.await(RestoreVerified.class, e -> e.backupId().equals(backupId) && e.ok(), TeamCluster.EVENT_TIMEOUT);
        assertThat(runs.find(backupId).orElseThrow().verifiedOk()).isTrue();
    }

    @Test
    @Order(3)
    void operatorRestoreToANewDatabaseHoldsTheSameRows() throws Exception {
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId.toString(), "targetDatabase", "orders restored"))
                .post("/api/backups/team-a/orders/restore")
                .then().statusCode(200);

        assertThat(TeamCluster.rowsPerTable(cluster.postgres, "orders restored"))
                .isEqualTo(TeamCluster.rowsPerTable(cluster.postgres, cluster.database()));
        // a restore never overwrites
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId.toString(), "targetDatabase", "orders restored"))
                .post("/api/backups/team-a/orders/restore")
                .then().statusCode(409);
    }

    @Test
    @Order(4)
    void disasterRestoreWithAPlainS3ClientTheAgeCliAndPgRestore() throws Exception {
        BackupRecord backup = runs.find(backupId).orElseThrow();
        Path work = Files.createTempDirectory("disaster");
        Path encrypted = work.resolve("backup.dump.age");
        Path dump = work.resolve("backup.dump");
        try (S3Client s3 = PlainS3.client(infra.s3())) {
            s3.getObject(r -> r.bucket(PlainS3.BUCKET).key(backup.objectKey()), encrypted);
        }
        run(List.of("age", "-d", "-i", AgeKey.service().identityFile().toString(), "-o", dump.toString(),
                encrypted.toString()), Map.of());
        cluster.postgres.execute("postgres", "CREATE DATABASE disaster OWNER " + cluster.seeded.owner());
        run(List.of(cluster.postgres.binDir().resolve("pg_restore").toString(), "--exit-on-error", "--no-owner",
                "-h", cluster.postgres.host(), "-p", Integer.toString(cluster.postgres.port()),
                "-U", cluster.seeded.owner(), "-d", "disaster", dump.toString()),
                Map.of("PGPASSWORD", cluster.seeded.password(), "PGSSLMODE", "verify-full",
                        "PGSSLROOTCERT", cluster.postgres.serverCaFile().toString(),
                        "PGOPTIONS", "-c search_path=pg_catalog,pg_temp"));

        assertThat(TeamCluster.rowsPerTable(cluster.postgres, "disaster"))
                .isEqualTo(TeamCluster.rowsPerTable(cluster.postgres, cluster.database()));
    }

    @Test
    @Order(5)
    void wrongKeyIsRefused() {
        BackupRecord backup = runs.find(backupId).orElseThrow();
        AgeIdentities stranger = AgeIdentities.fromFile(AgeKey.generate().identityFile());

        RestoreVerified verdict = verifier.verify(backup, stranger);

        assertThat(verdict.ok()).isFalse();
        assertThat(verdict.detail()).contains("WrongKeyException").contains("no configured age identity");
        assertThat(verdict.detail()).doesNotContain("AGE-SECRET-KEY");
    }

    @Test
    @Order(6)
    void checksumMismatchIsDetected() throws Exception {
        BackupRecord backup = runs.find(backupId).orElseThrow();
        try (S3Client s3 = PlainS3.client(infra.s3())) {
            byte[] stored = s3.getObjectAsBytes(r -> r.bucket(PlainS3.BUCKET).key(backup.objectKey())).asByteArray();
            stored[stored.length / 2] ^= 0x01; // one flipped bit in the middle: bit rot
            s3.putObject(r -> r.bucket(PlainS3.BUCKET).key(backup.objectKey()), RequestBody.fromBytes(stored));
        }

        RestoreVerified verdict = verifier.verifyNewest(cluster.clusterId()).orElseThrow();

        assertThat(verdict.ok()).isFalse();
        assertThat(verdict.detail()).contains("sha256 mismatch");
        events.await(RestoreVerified.class, e -> e.backupId().equals(backupId) && !e.ok(), TeamCluster.EVENT_TIMEOUT);
    }

    private static void run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(command.get(0) + " output: " + output).isZero();
    }
}
