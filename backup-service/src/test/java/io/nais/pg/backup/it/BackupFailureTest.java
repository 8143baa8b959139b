package io.nais.pg.backup.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.run.BackupRunner;
import io.nais.pg.backup.run.BackupRuns;
import io.nais.pg.events.BackupCompleted;
import io.nais.pg.events.BackupFailed;
import io.nais.pg.events.BackupStarted;
import io.nais.pg.events.Envelope;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.process.ChildJvm;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What a backup does when a part of the world is down: the store mid-upload
 * (BackupFailed, the multipart upload aborted, no object and no manifest),
 * and the team's cluster (BackupFailed, then the retry succeeds once it is back).
 */
@QuarkusTest
@TestProfile(BackupTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
class BackupFailureTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    ClusterRegistry clusters;
    @Inject
    BackupRuns runs;
    @Inject
    BackupRunner runner;

    private static TestEventBus events;

    @Test
    void s3DownMidUploadFailsTheBackupAndLeavesNoCompleteLookingObject() throws Exception {
        events = lifecycle.events(infra);
        TeamCluster cluster = TeamCluster.start(infra, "team-b", "ledger", 1_500_000);
        ChildJvm restarted = null;
        try {
            cluster.announce(events);
            await().atMost(30, TimeUnit.SECONDS).until(() -> clusters.live(cluster.clusterId()).isPresent());
            UUID backupId = UUID.fromString(given().auth().oauth2(Tokens.admin()).post("/api/backups/team-b/ledger").then().statusCode(202)
                    .extract().path("backupId"));
            // past the first 5 MiB part: the multipart upload is under way
            await().atMost(60, TimeUnit.SECONDS).pollInterval(20, TimeUnit.MILLISECONDS)
                    .until(() -> runner.progress(backupId).orElse(0L) > 6L * 1024 * 1024);

            S3Outage.stop(infra.s3());

            Envelope<BackupFailed> failed = events.await(BackupFailed.class, e -> e.backupId().equals(backupId),
                    TeamCluster.EVENT_TIMEOUT);
            assertThat(failed.data().reason()).isNotBlank().doesNotContain(infra.s3().secretKey());
            restarted = S3Outage.restart(infra.s3());
            try (S3Client s3 = PlainS3.client(infra.s3())) {
                List<String> keys = s3.listObjectsV2(r -> r.bucket(PlainS3.BUCKET).prefix("team-b/ledger/"))
                        .contents().stream().map(S3Object::key).toList();
                assertThat(keys).noneMatch(key -> key.contains(backupId.toString()));
            }
            assertThat(runs.find(backupId).orElseThrow().state()).isEqualTo("FAILED");
        } finally {
            if (restarted == null) {
                restarted = S3Outage.restart(infra.s3());
            }
            // the store stays up for the rest of the JVM; the Reaper stops it at exit
            cluster.postgres.close();
        }
    }

    @Test
    void pgDumpFailureWhileTheClusterIsDownFailsAndTheRetrySucceedsWhenItIsBack() throws Exception {
        events = lifecycle.events(infra);
        TeamCluster cluster = TeamCluster.start(infra, "team-c", "payments", 1_000);
        try {
            cluster.announce(events);
            await().atMost(30, TimeUnit.SECONDS).until(() -> clusters.live(cluster.clusterId()).isPresent());
            cluster.postgres.stop();

            UUID first = UUID.fromString(given().auth().oauth2(Tokens.admin()).post("/api/backups/team-c/payments").then().statusCode(202)
                    .extract().path("backupId"));
            Envelope<BackupFailed> failed = events.await(BackupFailed.class, e -> e.backupId().equals(first),
                    TeamCluster.EVENT_TIMEOUT);
            assertThat(failed.data().reason()).contains("SQLSTATE 08001");
            assertThat(failed.data().reason()).doesNotContain(cluster.postgres.adminPassword());
            cluster.postgres.start();

            // the retry is a new backup of the same cluster, started after the failure
            Envelope<BackupStarted> retry = events.await(BackupStarted.class,
                    e -> e.clusterId().equals(cluster.clusterId()) && !e.backupId().equals(first),
                    TeamCluster.EVENT_TIMEOUT);
            events.await(BackupCompleted.class, e -> e.backupId().equals(retry.data().backupId()),
                    TeamCluster.EVENT_TIMEOUT);
        } finally {
            cluster.postgres.close();
        }
    }
}
