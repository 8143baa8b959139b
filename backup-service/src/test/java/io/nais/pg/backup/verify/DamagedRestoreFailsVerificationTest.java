package io.nais.pg.backup.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
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

import io.micrometer.core.instrument.MeterRegistry;
import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.dump.Manifest;
import io.nais.pg.backup.dump.ObjectKeys;
import io.nais.pg.backup.it.AgeKey;
import io.nais.pg.backup.it.BackupTestLifecycle;
import io.nais.pg.backup.it.BackupTestProfile;
import io.nais.pg.backup.it.PlainS3;
import io.nais.pg.backup.it.TeamCluster;
import io.nais.pg.backup.run.BackupRecord;
import io.nais.pg.backup.run.BackupRunner;
import io.nais.pg.backup.run.BackupRuns;
import io.nais.pg.events.BackupCompleted;
import io.nais.pg.events.RestoreVerified;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Restore verification compares content, not only row counts. A real backup
 * is taken; then its stored dump is replaced by a damaged one that pg_restore
 * accepts without complaint and that holds the same number of rows: the dump
 * restored with standard tools, damaged (one value changed, an index dropped,
 * a sequence reset), dumped again and encrypted to the service's key, with the
 * manifest's SHA-256 and size updated to match but its recorded content kept,
 * as a faulty restore path or store would leave it. Verification must fail
 * naming the table and what differed; the same round trip without a damage
 * must pass.
 */
@QuarkusTest
@TestProfile(BackupTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DamagedRestoreFailsVerificationTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    ClusterRegistry clusters;
    @Inject
    BackupRunner runner;
    @Inject
    BackupRuns runs;
    @Inject
    RestoreVerifier verifier;
    @Inject
    MeterRegistry meters;

    private static TeamCluster cluster;
    private static TestEventBus events;
    private static BackupRecord backup;
    private static Manifest original;
    private static byte[] originalDump;
    private static int damages;

    @Test
    @Order(1)
    void anIntactRestorePassesOnContent() throws Exception {
        events = lifecycle.events(infra);
        cluster = lifecycle.started(TeamCluster.start(infra, "team-v", "ledger", 1_000));
        cluster.postgres.execute(cluster.database(),
                "CREATE INDEX invoices_total ON billing.invoices (\"Total Amount\")");
        cluster.announce(events);
        await().atMost(30, TimeUnit.SECONDS).until(() -> clusters.live(cluster.clusterId()).isPresent());
        UUID backupId = runner.request(clusters.live(cluster.clusterId()).orElseThrow());
        events.await(BackupCompleted.class, e -> e.backupId().equals(backupId), TeamCluster.EVENT_TIMEOUT);
        backup = runs.find(backupId).orElseThrow();
        try (S3Client s3 = PlainS3.client(infra.s3())) {
            original = Manifest.fromJson(s3.getObjectAsBytes(r -> r.bucket(PlainS3.BUCKET)
                    .key(ObjectKeys.manifestKey(backup.objectKey()))).asByteArray());
            originalDump = s3.getObjectAsBytes(r -> r.bucket(PlainS3.BUCKET).key(backup.objectKey())).asByteArray();
        }
        assertThat(original.manifestVersion()).isEqualTo(Manifest.VERSION);
        assertThat(original.tableChecksums()).containsKeys("public.orders", "billing.invoices", "public.events");
        assertThat(original.tableIndexes().get("billing.invoices")).containsKeys("invoices_pkey", "invoices_total");
        assertThat(original.sequences().get("public.orders_id_seq").lastValue()).isEqualTo(4L);

        RestoreVerified verdict = verifier.verifyNewest(cluster.clusterId()).orElseThrow();

        assertThat(verdict.detail()).isNull();
        assertThat(verdict.ok()).isTrue();
    }

    @Test
    @Order(2)
    void theSameDumpRoundTrippedWithoutDamagePasses() throws Exception {
        RestoreVerified verdict = verifyDamaged("SELECT 1");

        assertThat(verdict.detail()).isNull();
        assertThat(verdict.ok()).isTrue();
    }

    @Test
    @Order(3)
    void oneChangedValueFailsNamingTheTable() throws Exception {
        double failedBefore = failedVerifications();
        RestoreVerified verdict = verifyDamaged(
                "UPDATE billing.invoices SET \"Total Amount\" = \"Total Amount\" + 0.01 WHERE id = 7");

        assertThat(verdict.ok()).isFalse();
        assertThat(failedVerifications()).isEqualTo(failedBefore + 1); // the alert's meter moves
        assertThat(verdict.detail()).isEqualTo("restore differs from the backup: billing.invoices: content differs (checksum)");
        assertThat(verdict.rows()).isEqualTo(original.totalRows()); // the counts alone would have passed
        events.await(RestoreVerified.class, e -> e.backupId().equals(backup.backupId()) && !e.ok()
                && e.detail().contains("billing.invoices: content differs"), TeamCluster.EVENT_TIMEOUT);
    }

    @Test
    @Order(4)
    void aLostIndexFailsNamingIt() throws Exception {
        RestoreVerified verdict = verifyDamaged("DROP INDEX billing.invoices_total");

        assertThat(verdict.ok()).isFalse();
        assertThat(verdict.detail()).isEqualTo("restore differs from the backup: billing.invoices: index invoices_total missing");
    }

    @Test
    @Order(5)
    void aResetSequenceFailsNamingIt() throws Exception {
        RestoreVerified verdict = verifyDamaged("SELECT pg_catalog.setval('public.orders_id_seq', 1)");

        assertThat(verdict.ok()).isFalse();
        assertThat(verdict.detail()).isEqualTo("restore differs from the backup: public.orders_id_seq: sequence behind the backup's value");
    }

    @Test
    @Order(6)
    void aManifestFromBeforeContentChecksIsStillReadAndVerifiedByRowCounts() throws Exception {
        // a version 1 manifest, as the service wrote it before: no checksums, indexes or sequences
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode legacy =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(original.toJson());
        legacy.put("manifestVersion", 1);
        legacy.remove(List.of("tableChecksums", "tableIndexes", "sequences"));
        byte[] legacyJson = json.writeValueAsBytes(legacy);
        assertThat(Manifest.fromJson(legacyJson).fingerprint()).isEmpty();
        storeDump(originalDump, legacyJson);

        RestoreVerified verdict = verifier.verify(backup, io.nais.pg.backup.crypto.AgeIdentities
                .fromFile(AgeKey.service().identityFile()));

        assertThat(verdict.detail()).isNull();
        assertThat(verdict.ok()).isTrue();
    }

    /** The stored dump replaced by the original restored, damaged with {@code sql}, dumped and encrypted again. */
    private RestoreVerified verifyDamaged(String sql) throws Exception {
        Path work = Files.createTempDirectory("damaged");
        Path encrypted = work.resolve("original.dump.age");
        Path dump = work.resolve("original.dump");
        Path redump = work.resolve("damaged.dump");
        Path reencrypted = work.resolve("damaged.dump.age");
        Files.write(encrypted, originalDump);
        run(List.of("age", "-d", "-i", AgeKey.service().identityFile().toString(), "-o", dump.toString(),
                encrypted.toString()));
        String database = "damaged_" + (++damages);
        cluster.postgres.execute("postgres", "CREATE DATABASE " + database);
        run(List.of(tool("pg_restore"), "--exit-on-error", "--no-owner", "--no-privileges", "-d", database,
                dump.toString()));
        cluster.postgres.execute(database, sql);
        run(List.of(tool("pg_dump"), "--format=custom", "-f", redump.toString(), database));
        run(List.of("age", "-r", AgeKey.service().recipient(), "-o", reencrypted.toString(), redump.toString()));
        byte[] damaged = Files.readAllBytes(reencrypted);

        storeDump(damaged, new Manifest(original.manifestVersion(), original.backupId(), original.clusterId(),
                original.objectKey(), damaged.length, HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(damaged)), original.pgVersion(), original.format(),
                original.recipients(), original.startedAt(), original.completedAt(), original.tableRows(),
                original.tableChecksums(), original.tableIndexes(), original.sequences()).toJson());
        return verifier.verify(backup, io.nais.pg.backup.crypto.AgeIdentities.fromFile(AgeKey.service().identityFile()));
    }

    private void storeDump(byte[] dump, byte[] manifest) {
        try (S3Client s3 = PlainS3.client(infra.s3())) {
            s3.putObject(r -> r.bucket(PlainS3.BUCKET).key(backup.objectKey()), RequestBody.fromBytes(dump));
            s3.putObject(r -> r.bucket(PlainS3.BUCKET).key(ObjectKeys.manifestKey(backup.objectKey())),
                    RequestBody.fromBytes(manifest));
        }
    }

    private static String tool(String name) {
        return cluster.postgres.binDir().resolve(name).toString();
    }

    /** A standard tool as the test server's admin (the damaging side is the test, not a team). */
    private static void run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("PGHOST", cluster.postgres.host(),
                "PGPORT", Integer.toString(cluster.postgres.port()), "PGUSER", cluster.postgres.adminUser(),
                "PGPASSWORD", cluster.postgres.adminPassword(), "PGSSLMODE", "verify-full",
                "PGSSLROOTCERT", cluster.postgres.serverCaFile().toString(),
                "PGOPTIONS", "-c search_path=pg_catalog,pg_temp"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(command.get(0) + " output: " + output).isZero();
    }

    private double failedVerifications() {
        var counter = meters.find(RestoreVerifier.VERIFICATIONS).tag("result", "failed").counter();
        return counter == null ? 0 : counter.count();
    }
}
