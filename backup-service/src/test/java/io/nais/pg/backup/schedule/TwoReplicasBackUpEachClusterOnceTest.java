package io.nais.pg.backup.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.config.BackupConfig;
import io.nais.pg.backup.dump.BackupPipeline;
import io.nais.pg.backup.it.BackupTestLifecycle;
import io.nais.pg.backup.it.TeamCluster;
import io.nais.pg.backup.run.BackupRunner;
import io.nais.pg.backup.run.BackupRuns;
import io.nais.pg.backup.run.NightClaims;
import io.nais.pg.backup.run.SecondReplica;
import io.nais.pg.events.BackupCompleted;
import io.nais.pg.events.BackupStarted;
import io.nais.pg.events.EventTopic;
import io.nais.pg.kit.clusters.ClusterAdminConnections;
import io.nais.pg.kit.outbox.Outbox;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Two replicas of the service, sharing its one database, outbox and store: the
 * service's own runner and nightly schedule, and a second runner and schedule
 * built from the same beans with their own slots, timers and holder name. Both
 * queue every cluster for the same night, as both replicas' crons do; each
 * cluster is dumped exactly once. A night left claimed by a replica that died
 * is taken over once its lease has run out.
 */
@QuarkusTest
@TestProfile(TwoReplicasTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoReplicasBackUpEachClusterOnceTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    /** Each cluster goes to whichever replica looks first; with 16, one replica taking all is a 1-in-32768 chance. */
    private static final int CLUSTERS = 16;
    private static final String TEAM = "team-nightly";

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    ClusterRegistry clusters;
    @Inject
    BackupRuns runs;
    @Inject
    NightClaims nights;
    @Inject
    BackupPipeline pipeline;
    @Inject
    ClusterAdminConnections admin;
    @Inject
    Outbox outbox;
    @Inject
    Clock clock;
    @Inject
    BackupConfig config;
    @Inject
    BackupRunner runner;
    @Inject
    NightlySchedule schedule;
    @Inject
    DataSource dataSource;

    private static List<TeamCluster> teamClusters;
    private static TestEventBus events;
    private static BackupRunner secondRunner;


    @Test
    @Order(1)
    void twoReplicasQueueingTheSameNightBackUpEachClusterExactlyOnce() throws Exception {
        announceClusters();
        secondRunner = SecondReplica.runner(clusters, runs, nights, pipeline, admin, outbox, clock, config);
        lifecycle.closedAfterAll(() -> SecondReplica.stop(secondRunner));
        NightlySchedule secondSchedule = new NightlySchedule(clusters, secondRunner, config);
        Instant night = Instant.parse("2026-03-01T01:00:00Z");

        // both crons fire for the same night at once, as two replicas' do
        Thread other = new Thread(() -> secondSchedule.queue(night));
        other.start();
        schedule.queue(night);
        other.join();

        await().atMost(3, TimeUnit.MINUTES).until(() -> claims(night).values().stream().allMatch(Claim::done)
                && claims(night).size() == CLUSTERS);
        Map<String, Claim> claims = claims(night);
        Set<String> ids = clusterIds();
        assertThat(claims.keySet()).isEqualTo(ids);
        // each cluster ran once: one run per cluster, completed
        for (String id : ids) {
            assertThat(runs.ofCluster(id)).singleElement().satisfies(run -> {
                assertThat(run.state()).isEqualTo("COMPLETED");
                assertThat(run.backupId()).isEqualTo(claims.get(id).backupId());
            });
        }
        // and both replicas did some of the night
        assertThat(claims.values().stream().map(Claim::holder).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(runner.holder(), secondRunner.holder());
        // the events say the same: N started, N completed, each cluster once
        events.awaitCount(EventTopic.BACKUPS, e -> e.data() instanceof BackupCompleted c && ids.contains(c.clusterId()),
                CLUSTERS, TeamCluster.EVENT_TIMEOUT);
        assertThat(completedPerCluster(ids)).isEqualTo(ids.stream().collect(Collectors.toMap(id -> id, id -> 1L)));
        assertThat(events.readAll(EventTopic.BACKUPS).stream()
                .filter(e -> e.data() instanceof BackupStarted s && ids.contains(s.clusterId()))).hasSize(CLUSTERS);
    }

    @Test
    @Order(2)
    void aNightHeldByALiveLeaseIsNotTakenAndALapsedOneIs() {
        String cluster = TEAM + "/lease-probe";
        Instant night = Instant.parse("2026-03-02T01:00:00Z");
        UUID previous = UUID.randomUUID();

        assertThat(take(cluster, night, "replica-a", java.time.Duration.ofHours(1))).isInstanceOf(NightClaims.Taken.class);
        QuarkusTransaction.requiringNew().run(() -> nights.attach(cluster, night, "replica-a", previous));
        // its holder may take it again (a retry); another replica may not while the lease runs
        assertThat(take(cluster, night, "replica-a", java.time.Duration.ofHours(1))).isInstanceOf(NightClaims.Taken.class);
        assertThat(take(cluster, night, "replica-b", java.time.Duration.ofHours(1)))
                .isInstanceOf(NightClaims.HeldUntil.class);

        execute("UPDATE backup_night_claim SET lease_until = now() - interval '1 second' WHERE cluster_id = ?", cluster);
        assertThat(take(cluster, night, "replica-b", java.time.Duration.ofHours(1)))
                .isEqualTo(new NightClaims.Taken(previous));
        QuarkusTransaction.requiringNew().run(() -> nights.finish(cluster, night, "replica-b"));
        assertThat(take(cluster, night, "replica-a", java.time.Duration.ofHours(1))).isInstanceOf(NightClaims.Done.class);
    }

    @Test
    @Order(3)
    void aNightLeftByAReplicaThatDiedMidBackupIsTakenOverWhenItsLeaseRunsOut() throws Exception {
        Instant night = Instant.parse("2026-03-03T01:00:00Z");
        String cluster = teamClusters.get(0).clusterId();
        // a replica claimed the night, started its backup and died: its run stays RUNNING, its lease runs 5 s more
        UUID orphan = UUID.randomUUID();
        execute("INSERT INTO backup_run (backup_id, cluster_id, state, started_at) VALUES (?::uuid, ?, 'RUNNING', now())",
                orphan.toString(), cluster);
        execute("""
                INSERT INTO backup_night_claim (cluster_id, night, holder, lease_until, backup_id)
                VALUES (?, ?::timestamptz, 'a-replica-that-died', now() + interval '5 seconds', ?::uuid)
                """, cluster, night.toString(), orphan.toString());

        schedule.queue(night);

        await().atMost(3, TimeUnit.MINUTES).until(() -> claims(night).size() == CLUSTERS
                && claims(night).values().stream().allMatch(Claim::done));
        Claim taken = claims(night).get(cluster);
        assertThat(taken.holder()).isEqualTo(runner.holder());
        assertThat(runs.find(taken.backupId()).orElseThrow().state()).isEqualTo("COMPLETED");
        assertThat(runs.find(orphan).orElseThrow()).satisfies(run -> {
            assertThat(run.state()).isEqualTo("FAILED");
            assertThat(run.detail()).startsWith("abandoned");
        });
        events.await(BackupCompleted.class, e -> e.backupId().equals(taken.backupId()), TeamCluster.EVENT_TIMEOUT);
    }

    private void announceClusters() {
        events = lifecycle.events(infra);
        teamClusters = TeamCluster.onOneServer(infra, TEAM,
                IntStream.rangeClosed(1, CLUSTERS).mapToObj(i -> "app" + i).toList());
        lifecycle.closedAfterAll(teamClusters.get(0).postgres); // the apps share one server
        teamClusters.forEach(c -> c.announce(events));
        await().atMost(60, TimeUnit.SECONDS).until(() -> teamClusters.stream()
                .allMatch(c -> clusters.live(c.clusterId()).isPresent()));
    }

    private Set<String> clusterIds() {
        return teamClusters.stream().map(TeamCluster::clusterId).collect(Collectors.toSet());
    }

    private Map<String, Long> completedPerCluster(Set<String> ids) {
        return events.readAll(EventTopic.BACKUPS).stream()
                .filter(e -> e.data() instanceof BackupCompleted c && ids.contains(c.clusterId()))
                .collect(Collectors.groupingBy(e -> ((BackupCompleted) e.data()).clusterId(), Collectors.counting()));
    }

    private NightClaims.Claim take(String cluster, Instant night, String holder, java.time.Duration lease) {
        return QuarkusTransaction.requiringNew().call(() -> nights.take(cluster, night, holder, lease));
    }

    private record Claim(String holder, UUID backupId, boolean done) {
    }

    private Map<String, Claim> claims(Instant night) throws SQLException {
        Map<String, Claim> claims = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT cluster_id, holder, backup_id, done FROM backup_night_claim WHERE night = ?")) {
            ps.setObject(1, java.time.OffsetDateTime.ofInstant(night, java.time.ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claims.put(rs.getString(1), new Claim(rs.getString(2), (UUID) rs.getObject(3), rs.getBoolean(4)));
                }
            }
        }
        return claims;
    }

    private void execute(String sql, String... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
