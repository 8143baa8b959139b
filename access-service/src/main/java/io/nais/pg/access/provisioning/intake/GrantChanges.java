package io.nais.pg.access.provisioning.intake;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.nais.pg.events.AccessRevoked;
import io.nais.pg.events.Envelope;
import io.nais.pg.kit.outbox.Outbox;
import io.nais.pg.kit.transaction.AfterCommit;
import io.nais.pg.access.provisioning.pass.ClusterProvisioner;
import io.nais.pg.access.provisioning.pass.ProvisioningScheduler;
import io.nais.pg.access.provisioning.pass.ReconcileQueue;
import io.nais.pg.access.directory.DbaGrantProjection;

/**
 * Hands a grant change to provisioning: the person is marked in the cluster
 * (the reconciler promotes, demotes or drops the role and, on a demotion, ends
 * the role's sessions on the cluster), and after the commit the reconciler is
 * woken; an end is announced (AccessRevoked, in the same transaction) so every
 * gateway ends the sessions it relays.
 */
@ApplicationScoped
public class GrantChanges {

    private final ReconcileQueue queue;
    private final ProvisioningScheduler scheduler;
    private final AfterCommit afterCommit;
    private final Outbox outbox;

    GrantChanges(ReconcileQueue queue, ProvisioningScheduler scheduler, AfterCommit afterCommit, Outbox outbox) {
        this.queue = queue;
        this.scheduler = scheduler;
        this.afterCommit = afterCommit;
        this.outbox = outbox;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void began(String clusterId, String email) {
        if (queue.markPerson(clusterId, email)) {
            afterCommit.run(() -> scheduler.wake(List.of(clusterId)));
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void ended(String clusterId, String email) {
        endedAll(List.of(new DbaGrantProjection.Ended(null, clusterId, email)));
    }

    /**
     * Many grants ended at once (a deadline shared by many): one statement marks them all, and each touched
     * cluster is woken once, so its pass demotes every one of them together.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void endedAll(List<DbaGrantProjection.Ended> ended) {
        if (ended.isEmpty()) {
            return;
        }
        queue.markPeople(ended.stream().map(DbaGrantProjection.Ended::clusterId).toList(),
                ended.stream().map(DbaGrantProjection.Ended::email).toList());
        Set<String> clusters = new LinkedHashSet<>();
        ended.forEach(e -> clusters.add(e.clusterId()));
        outbox.publishAll(ended.stream().map(e -> Envelope.of(ClusterProvisioner.PRODUCER,
                new AccessRevoked(e.clusterId(), e.email(), AccessRevoked.GRANT_ENDED))).toList());
        afterCommit.run(() -> scheduler.wake(clusters));
    }
}
