package io.nais.pg.backup.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.dump.ObjectKeys;
import io.nais.pg.backup.retention.RetentionJob;
import io.nais.pg.backup.run.BackupRecord;
import io.nais.pg.backup.run.BackupRuns;
import io.nais.pg.backup.schedule.OverdueWatch;
import io.nais.pg.events.BackupCompleted;
import io.nais.pg.events.BackupOverdue;
import io.nais.pg.events.BackupPruned;
import io.nais.pg.events.EventTopic;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Retention on real stored backups (policy of the profile: 2 daily, 2 weekly, 2 monthly) and the 26 h overdue watch. */
@QuarkusTest
@TestProfile(BackupTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
class RetentionAndOverdueTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    ClusterRegistry clusters;
    @Inject
    BackupRuns runs;
    @Inject
    RetentionJob retention;
    @Inject
    OverdueWatch overdue;
    @Inject
    DataSource dataSource;

    private static TestEventBus events;


    @Test
    void retentionPrunesExactlyWhatThePolicySays() throws Exception {
        TeamCluster cluster = announced("team-d", "archive");
        // five real backups, then dated as if taken over the last weeks
        String[] completedAt = {"2026-11-24T01:00:00Z", "2026-11-23T01:00:00Z", "2026-11-18T01:00:00Z",
                "2026-11-17T01:00:00Z", "2026-10-15T01:00:00Z"};
        List<UUID> ids = new ArrayList<>();
        for (String at : completedAt) {
            UUID id = backupNow(cluster);
            backdate(id, Instant.parse(at));
            ids.add(id);
        }
        // daily 2: 11-24, 11-23; weekly 2: W48 → 11-24, W47 → 11-18; monthly 2: Nov → 11-24, Oct → 10-15
        UUID onlyPrunable = ids.get(3);

        List<BackupRecord> pruned = retention.prune(cluster.clusterId());

        assertThat(pruned).extracting(BackupRecord::backupId).containsExactly(onlyPrunable);
        String prunedKey = pruned.get(0).objectKey();
        try (S3Client s3 = PlainS3.client(infra.s3())) {
            List<String> keys = s3.listObjectsV2(r -> r.bucket(PlainS3.BUCKET).prefix("team-d/archive/"))
                    .contents().stream().map(S3Object::key).toList();
            assertThat(keys).doesNotContain(prunedKey, ObjectKeys.manifestKey(prunedKey)).hasSize(8);
        }
        assertThat(runs.completed(cluster.clusterId())).extracting(BackupRecord::backupId)
                .containsExactlyInAnyOrder(ids.get(0), ids.get(1), ids.get(2), ids.get(4));
        events.await(BackupPruned.class, e -> e.backupId().equals(onlyPrunable), TeamCluster.EVENT_TIMEOUT);
        assertThat(events.findNow(EventTopic.BACKUPS, e -> e.data() instanceof BackupPruned p
                && p.clusterId().equals(cluster.clusterId()) && !p.backupId().equals(onlyPrunable))).isEmpty();
        // running it again changes nothing
        assertThat(retention.prune(cluster.clusterId())).isEmpty();
    }

    @Test
    void overdueFiresOnceForAClusterWithoutASuccessFor26Hours() throws Exception {
        TeamCluster stale = announced("team-e", "stale");
        TeamCluster fresh = announced("team-e", "fresh");
        UUID old = backupNow(stale);
        Instant lastSuccess = Instant.now().minus(Duration.ofHours(27));
        backdate(old, lastSuccess);
        backupNow(fresh);

        overdue.check();
        overdue.check(); // a second look reports nothing new

        var reported = events.await(BackupOverdue.class, e -> e.clusterId().equals(stale.clusterId()),
                TeamCluster.EVENT_TIMEOUT).data();
        assertThat(reported.lastSuccessAt()).isCloseTo(lastSuccess, within());
        assertThat(reported.overdueSince()).isCloseTo(lastSuccess.plus(Duration.ofHours(26)), within());
        assertThat(events.readAll(EventTopic.BACKUPS).stream().filter(e -> e.data() instanceof BackupOverdue o
                && o.clusterId().startsWith("team-e/"))).hasSize(1);
    }

    private static org.assertj.core.data.TemporalUnitOffset within() {
        return new org.assertj.core.data.TemporalUnitWithinOffset(1, java.time.temporal.ChronoUnit.SECONDS);
    }

    private TeamCluster announced(String team, String app) {
        events = lifecycle.events(infra);
        TeamCluster cluster = lifecycle.started(TeamCluster.start(infra, team, app, 100));
        cluster.announce(events);
        await().atMost(30, TimeUnit.SECONDS).until(() -> clusters.live(cluster.clusterId()).isPresent());
        return cluster;
    }

    private UUID backupNow(TeamCluster cluster) {
        UUID id = UUID.fromString(given().auth().oauth2(Tokens.admin()).post("/api/backups/" + cluster.clusterId()).then().statusCode(202)
                .extract().path("backupId"));
        events.await(BackupCompleted.class, e -> e.backupId().equals(id), TeamCluster.EVENT_TIMEOUT);
        await().atMost(10, TimeUnit.SECONDS).until(() -> "COMPLETED".equals(runs.find(id).orElseThrow().state()));
        return id;
    }

    private void backdate(UUID backupId, Instant finishedAt) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE backup_run SET finished_at = ?, started_at = ? WHERE backup_id = ?")) {
            ps.setTimestamp(1, Timestamp.from(finishedAt));
            ps.setTimestamp(2, Timestamp.from(finishedAt.minusSeconds(60)));
            ps.setObject(3, backupId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
