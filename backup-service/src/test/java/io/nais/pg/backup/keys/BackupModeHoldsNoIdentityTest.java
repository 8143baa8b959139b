package io.nais.pg.backup.keys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
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
import io.nais.pg.backup.crypto.AgeCipher;
import io.nais.pg.backup.crypto.AgeIdentities;
import io.nais.pg.backup.it.AgeKey;
import io.nais.pg.backup.it.BackupTestLifecycle;
import io.nais.pg.backup.it.PlainS3;
import io.nais.pg.backup.it.TeamCluster;
import io.nais.pg.backup.it.Tokens;
import io.nais.pg.backup.run.BackupRuns;
import io.nais.pg.events.BackupCompleted;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The process that writes backups ({@code nais.backup.mode=backup}) starts with the age recipient
 * only, takes a real backup to S3, and cannot read it back: the dump opens with the identity it does
 * not hold (the {@code age} CLI, then {@code pg_restore --list}) and with no other key; verify and
 * restore are refused here (503) and leave no verdict behind.
 */
@QuarkusTest
@TestProfile(ModeProfiles.BackupOnly.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupModeHoldsNoIdentityTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    ClusterRegistry clusters;
    @Inject
    BackupRuns runs;
    @Inject
    AgeIdentities identities;

    private static TeamCluster cluster;
    private static TestEventBus events;

    @Test
    @Order(1)
    void backsUpWithTheRecipientOnlyAndCannotReadTheBackupBack() throws Exception {
        events = lifecycle.events(infra);
        cluster = lifecycle.started(TeamCluster.start(infra, "team-k", "ledger", 1_000));
        cluster.announce(events);
        await().atMost(30, TimeUnit.SECONDS).until(() -> clusters.live(cluster.clusterId()).isPresent());

        String id = given().auth().oauth2(Tokens.admin()).post("/api/backups/team-k/ledger").then().statusCode(202)
                .extract().path("backupId");
        UUID backupId = UUID.fromString(id);
        BackupCompleted done = events.await(BackupCompleted.class, e -> e.backupId().equals(backupId),
                TeamCluster.EVENT_TIMEOUT).data();

        Path work = Files.createTempDirectory("backup-mode");
        Path encrypted = work.resolve("backup.dump.age");
        try (S3Client s3 = PlainS3.client(infra.s3())) {
            s3.getObject(r -> r.bucket(PlainS3.BUCKET).key(done.objectKey()), encrypted);
        }
        Path dump = work.resolve("backup.dump");
        assertThat(run("age", "-d", "-i", AgeKey.service().identityFile().toString(), "-o", dump.toString(),
                encrypted.toString())).as("the identity opens it").isZero();
        assertThat(run(cluster.postgres.binDir().resolve("pg_restore").toString(), "--list", dump.toString()))
                .as("a pg_dump archive").isZero();
        assertThat(run("age", "-d", "-i", AgeKey.generate().identityFile().toString(), "-o",
                work.resolve("stranger.dump").toString(), encrypted.toString())).as("no other key does").isNotZero();

        assertThatThrownBy(() -> AgeCipher.decrypt(Channels.newChannel(Files.newInputStream(encrypted)), identities))
                .as("this process holds no identity").hasMessageContaining("no age identity configured");
    }

    @Test
    @Order(2)
    void verifyAndRestoreAreRefusedHereAndRecordNothing() {
        UUID backupId = runs.newestCompleted(cluster.clusterId()).orElseThrow().backupId();

        given().auth().oauth2(Tokens.admin()).post("/api/backups/team-k/ledger/verify").then().statusCode(503);
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId.toString(), "targetDatabase", "ledger restored"))
                .post("/api/backups/team-k/ledger/restore").then().statusCode(503);

        assertThat(runs.find(backupId).orElseThrow().verifiedAt()).as("no verdict recorded").isNull();
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return process.exitValue();
    }
}
