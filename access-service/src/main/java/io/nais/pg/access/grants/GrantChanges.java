package io.nais.pg.access.grants;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import io.nais.pg.access.directory.AccessRevoked;
import io.nais.pg.access.provisioning.AfterCommit;
import io.nais.pg.access.provisioning.ProvisioningScheduler;
import io.nais.pg.access.provisioning.ReconcileQueue;

/**
 * Hands a grant change to provisioning: the person is marked in the cluster
 * (the reconciler promotes, demotes or drops the role and, on a demotion, ends
 * the role's sessions on the cluster), and after the commit the reconciler is
 * woken and, for an end, the gateway told to end relayed sessions.
 */
@ApplicationScoped
public class GrantChanges {

    static final String REVOKE_REASON = "grant-expired";

    private final ReconcileQueue queue;
    private final ProvisioningScheduler scheduler;
    private final AfterCommit afterCommit;
    private final Event<AccessRevoked> revoked;

    GrantChanges(ReconcileQueue queue, ProvisioningScheduler scheduler, AfterCommit afterCommit,
                 Event<AccessRevoked> revoked) {
        this.queue = queue;
        this.scheduler = scheduler;
        this.afterCommit = afterCommit;
        this.revoked = revoked;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void began(String clusterId, String email) {
        if (queue.markPerson(clusterId, email)) {
            afterCommit.run(() -> scheduler.wake(List.of(clusterId)));
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void ended(String clusterId, String email) {
        queue.markPerson(clusterId, email);
        afterCommit.run(() -> {
            revoked.fire(new AccessRevoked(clusterId, email, REVOKE_REASON));
            scheduler.wake(List.of(clusterId));
        });
    }
}
