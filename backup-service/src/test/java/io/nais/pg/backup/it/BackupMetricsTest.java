package io.nais.pg.backup.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.run.BackupRecord;
import io.nais.pg.backup.run.BackupRuns;
import io.nais.pg.backup.verify.RestoreVerifier;
import io.nais.pg.events.BackupCompleted;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.metrics.MetricCatalogue;
import io.nais.pg.testsupport.metrics.Scrape;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * What an operator reads on backup-service's {@code /q/metrics} (docs/operations.md, "Metrics") after a real
 * backup of a real cluster to real S3, and its restore verification: the cluster's last success is the stored
 * backup's end, the attempt's duration and bytes are counted, the verification passed; and every family the
 * catalogue lists for backup-service (both Deployments: this profile runs both modes) is exported.
 */
@QuarkusTest
@TestProfile(BackupTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
class BackupMetricsTest {

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    ClusterRegistry clusters;
    @Inject
    BackupRuns runs;
    @Inject
    RestoreVerifier verifier;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @BeforeAll
    static void bucket() {
        Infrastructure.shared().s3().createBucket(PlainS3.BUCKET);
    }

    @Test
    void aBackupAndItsVerificationShowAsTheyHappened() {
        Scrape before = scrape();
        TeamCluster cluster = TeamCluster.start(infra, "team-metrics", "ledger", 100);
        try (TestEventBus events = infra.events()) {
            cluster.announce(events);
            await().atMost(30, TimeUnit.SECONDS).until(() -> clusters.live(cluster.clusterId()).isPresent());
            UUID backupId = UUID.fromString(given().auth().oauth2(Tokens.admin())
                    .post("/api/backups/" + cluster.clusterId()).then().statusCode(202).extract().path("backupId"));
            BackupCompleted done = events.await(BackupCompleted.class, e -> e.backupId().equals(backupId),
                    TeamCluster.EVENT_TIMEOUT).data();
            BackupRecord stored = runs.find(backupId).orElseThrow();

            Scrape backedUp = scrape();
            assertThat(backedUp.value("nais_backup_last_success_timestamp_seconds", "cluster", cluster.clusterId()))
                    .isEqualTo(stored.finishedAt().toEpochMilli() / 1000.0, org.assertj.core.data.Offset.offset(0.001));
            assertThat(backedUp.value("nais_backup_duration_seconds_count", "outcome", "completed"))
                    .isEqualTo(before.value("nais_backup_duration_seconds_count", "outcome", "completed") + 1);
            assertThat(backedUp.value("nais_backup_bytes_total"))
                    .isEqualTo(before.value("nais_backup_bytes_total") + done.bytes());

            assertThat(verifier.verifyNewest(cluster.clusterId()).orElseThrow().ok()).isTrue();
            Scrape verified = scrape();
            assertThat(verified.value("nais_restore_verifications_total", "result", "passed"))
                    .isEqualTo(before.value("nais_restore_verifications_total", "result", "passed") + 1);
            assertThat(MetricCatalogue.families()).filteredOn(f -> f.exportedBy().startsWith("backup-service")
                            || f.exportedBy().startsWith("all services"))
                    .isNotEmpty()
                    .allSatisfy(family -> assertThat(verified.hasFamily(family.name()))
                            .as("%s in the scrape; it has %s", family.name(), verified.names()).isTrue());
        } finally {
            cluster.postgres.close();
        }
    }

    private Scrape scrape() {
        return Scrape.of(given().accept("text/plain").when().get(metrics).then().statusCode(200).extract().asString());
    }
}
