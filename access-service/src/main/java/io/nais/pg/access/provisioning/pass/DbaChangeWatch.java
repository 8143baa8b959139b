package io.nais.pg.access.provisioning.pass;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nais.pg.access.directory.ClusterTarget;
import io.nais.pg.access.provisioning.model.ClusterSnapshot;
import io.nais.pg.events.DbaChangesDetected;
import io.nais.pg.events.DbaChangesDetected.Stage;
import io.nais.pg.events.Envelope;
import io.nais.pg.kit.outbox.Outbox;
import io.nais.pg.access.provisioning.ProvisioningConfig;

/**
 * A superuser can always change a cluster, so a DBA grant is limited and watched: before the pass that
 * promotes the DBA, the cluster's state is snapshotted ({@link ClusterSnapshot}, kept in
 * {@link DbaBaselines}); when the grant has ended, the pass that demoted the DBA compares, sets NOLOGIN on
 * every LOGIN role gained during the grant that neither the platform nor the operator knows (ending its
 * sessions), and announces every difference as {@link DbaChangesDetected} to the owning team. Full resyncs
 * compare again while the grant is active (announcing only what is new), and afterwards keep the disabled
 * roles disabled.
 */
@ApplicationScoped
class DbaChangeWatch {

    private static final Logger LOG = Logger.getLogger(DbaChangeWatch.class);

    private final DbaBaselines baselines;
    private final Outbox outbox;
    private final ProvisioningConfig config;

    DbaChangeWatch(DbaBaselines baselines, Outbox outbox, ProvisioningConfig config) {
        this.baselines = baselines;
        this.outbox = outbox;
        this.config = config;
    }

    /** The cluster's grants that need a look in this pass (read before the pass touches the cluster). */
    List<DbaBaselines.Watched> watched(ClusterTarget cluster) {
        return baselines.watched(cluster.clusterId());
    }

    /** Before any role is promoted: a snapshot for each active grant that has none. */
    void snapshotNewGrants(ClusterTarget cluster, ClusterChecks checks, List<DbaBaselines.Watched> watched)
            throws SQLException {
        ClusterSnapshot now = null;
        for (DbaBaselines.Watched grant : watched) {
            if (grant.active() && !grant.hasBaseline()) {
                now = now != null ? now : checks.state();
                baselines.save(grant.grantId(), cluster.clusterId(), grant.email(), now);
            }
        }
    }

    /** After the roles converged (an ended grant's DBA is demoted and their sessions ended): compare. */
    void compare(ClusterTarget cluster, ClusterChecks checks, List<DbaBaselines.Watched> watched, boolean resync)
            throws SQLException {
        ClusterSnapshot now = null;
        for (DbaBaselines.Watched grant : watched) {
            if (!grant.hasBaseline()) {
                continue; // taken in this pass
            }
            if (!grant.active() && !grant.settled()) {
                now = now != null ? now : checks.state();
                settle(cluster, checks, grant, now);
            } else if (grant.active() && resync) {
                now = now != null ? now : checks.state();
                List<String> fresh = unreported(grant, now.differencesSince(baselines.baseline(grant.grantId())));
                announce(cluster, grant, Stage.DURING_GRANT, fresh, List.of(), false);
            } else if (grant.settled() && resync) {
                List<String> again = checks.disableLogins(grant.disabledRoles());
                announce(cluster, grant, Stage.AFTER_GRANT,
                        again.stream().map(role -> "role " + role + " could log in again").toList(), again, false);
            }
        }
    }

    private void settle(ClusterTarget cluster, ClusterChecks checks, DbaBaselines.Watched grant, ClusterSnapshot now)
            throws SQLException {
        ClusterSnapshot baseline = baselines.baseline(grant.grantId());
        List<String> disabled = checks.disableLogins(now.loginRolesGainedSince(baseline, known(cluster)));
        List<String> differences = unreported(grant, now.differencesSince(baseline));
        announce(cluster, grant, Stage.AT_GRANT_END, differences, disabled, true);
    }

    private void announce(ClusterTarget cluster, DbaBaselines.Watched grant, Stage stage, List<String> differences,
                          List<String> disabled, boolean settle) {
        if (!differences.isEmpty() || !disabled.isEmpty()) {
            LOG.warnf("DBA grant %s of %s changed the cluster (%s): %s; disabled %s", grant.grantId(), grant.email(),
                    stage, differences, disabled);
            outbox.publish(Envelope.of(ClusterProvisioner.PRODUCER, new DbaChangesDetected(
                    UUID.fromString(grant.grantId()), cluster.clusterId(), cluster.team(), grant.email(), stage,
                    differences, disabled)));
        }
        if (settle || !differences.isEmpty() || !disabled.isEmpty()) {
            baselines.record(grant.grantId(), differences, disabled, settle);
        }
    }

    private static List<String> unreported(DbaBaselines.Watched grant, List<String> differences) {
        List<String> fresh = new ArrayList<>(differences);
        fresh.removeAll(grant.reported());
        return fresh;
    }

    /** The roles the platform and the operator know: the application's and the configured ones. */
    private Set<String> known(ClusterTarget cluster) {
        Set<String> known = new LinkedHashSet<>(config.knownRoles());
        known.add(cluster.applicationRole());
        return known;
    }
}
