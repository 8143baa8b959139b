package io.nais.pg.backup.run;

import java.time.Clock;

import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.config.BackupConfig;
import io.nais.pg.backup.dump.BackupPipeline;
import io.nais.pg.kit.clusters.ClusterAdminConnections;
import io.nais.pg.kit.outbox.Outbox;
import io.quarkus.arc.Arc;

/**
 * Another replica's runner for a test: built from the same beans as the
 * service's own (so over the same database, outbox and store), with its own
 * slots, timers and holder name, as a second replica of the service has.
 */
public final class SecondReplica {

    private SecondReplica() {
    }

    public static BackupRunner runner(ClusterRegistry clusters, BackupRuns runs, NightClaims nights,
                                      BackupPipeline pipeline, ClusterAdminConnections admin, Outbox outbox,
                                      Clock clock, BackupConfig config) {
        // the service's meters: both replicas live in this JVM and report to its one registry
        return new BackupRunner(clusters, runs, nights, pipeline, admin, outbox, clock, config,
                Arc.container().instance(BackupMeters.class).get());
    }

    /** The replica goes away: its queued and running work stops. */
    public static void stop(BackupRunner runner) {
        runner.stop();
    }
}
