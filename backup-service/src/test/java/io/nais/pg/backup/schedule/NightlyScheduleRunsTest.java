package io.nais.pg.backup.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.it.BackupTestLifecycle;
import io.nais.pg.backup.it.BackupTestProfile;
import io.nais.pg.backup.it.TeamCluster;
import io.nais.pg.backup.run.BackupRunner;
import io.nais.pg.events.BackupCompleted;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import static org.awaitility.Awaitility.await;

/**
 * The real nightly schedule, not a test's call: the service's own cron
 * ({@code @Scheduled}, every 10 s here instead of 01:00) fires
 * {@link NightlySchedule}, which queues every cluster through
 * {@link BackupRunner#scheduleAfter} with a real jitter (2 s here instead of
 * 3 h), and the clusters are backed up with nobody asking. Every backup it
 * took belongs to a night claim of this replica.
 */
@QuarkusTest
@TestProfile(NightlyScheduleRunsTest.ShortNights.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
class NightlyScheduleRunsTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    /** The backup tests' profile with the nightly cron ON, every 10 seconds, and a 2-second jitter. */
    public static class ShortNights implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(new BackupTestProfile().getConfigOverrides());
            overrides.put("nais.backup.schedule.cron", "0/10 * * * * ?");
            overrides.put("nais.backup.schedule.jitter", "PT2S");
            return overrides;
        }
    }

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    ClusterRegistry clusters;
    @Inject
    BackupRunner runner;
    @Inject
    DataSource dataSource;

    private static List<TeamCluster> teamClusters;
    private static TestEventBus events;


    @Test
    void theCronQueuesEveryClusterAndEachIsBackedUpOncePerNight() throws Exception {
        events = lifecycle.events(infra);
        teamClusters = TeamCluster.onOneServer(infra, "team-cron", List.of("ledger", "payments"));
        lifecycle.closedAfterAll(teamClusters.get(0).postgres); // the apps share one server
        teamClusters.forEach(c -> c.announce(events));

        for (TeamCluster cluster : teamClusters) {
            BackupCompleted done = events.await(BackupCompleted.class,
                    e -> e.clusterId().equals(cluster.clusterId()), TeamCluster.EVENT_TIMEOUT).data();
            // taken by the schedule: the night's claim, held by this replica, names this backup
            await().atMost(60, TimeUnit.SECONDS).until(() -> nightsOf(done.backupId()) == 1);
            assertThat(holderOf(done.backupId())).isEqualTo(runner.holder());
        }
        // and never twice in a night: every completed backup of these clusters is its night's one claim
        for (TeamCluster cluster : teamClusters) {
            assertThat(completedWithoutItsOwnNight(cluster.clusterId())).isZero();
        }
    }

    private long nightsOf(java.util.UUID backupId) throws SQLException {
        return single("SELECT count(*) FROM backup_night_claim WHERE backup_id = ? AND done", backupId);
    }

    private String holderOf(java.util.UUID backupId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT holder FROM backup_night_claim WHERE backup_id = ?")) {
            ps.setObject(1, backupId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private long completedWithoutItsOwnNight(String clusterId) throws SQLException {
        return single("""
                SELECT count(*) FROM backup_run r
                 WHERE r.cluster_id = ? AND r.state = 'COMPLETED'
                   AND NOT EXISTS (SELECT 1 FROM backup_night_claim n WHERE n.backup_id = r.backup_id AND n.done)
                """, clusterId);
    }

    private long single(String sql, Object parameter) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
