package io.nais.pg.access.provisioning.intake;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.nais.pg.access.directory.ClusterProjection;
import io.nais.pg.events.AccessRevoked;
import io.nais.pg.events.ClusterRemoved;
import io.nais.pg.events.ClusterState;
import io.nais.pg.events.Envelope;
import io.nais.pg.kit.inbox.Inbox;
import io.nais.pg.kit.inbox.PolledBatch;
import io.nais.pg.kit.logging.LogContext;
import io.nais.pg.kit.membership.MembershipProjection;
import io.nais.pg.kit.outbox.Outbox;
import io.nais.pg.kit.transaction.AfterCommit;
import io.nais.pg.access.provisioning.pass.ClusterProvisioner;
import io.nais.pg.access.provisioning.pass.ProvisioningScheduler;
import io.nais.pg.access.provisioning.pass.ReconcileQueue;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Cluster events update the projection. A discovered or updated cluster gets its
 * group role (re)applied and every current member of the team marked dirty; a
 * removed cluster is forgotten, with no SQL sent to it. A polled batch is one
 * transaction ({@link PolledBatch}): a platform start that discovers fifty
 * clusters wakes all fifty at one commit, not one after another.
 */
@ApplicationScoped
public class ClusterConsumer {

    static final String CONSUMER = "access-clusters";

    private final Inbox inbox;
    private final ClusterProjection clusters;
    private final MembershipProjection members;
    private final ReconcileQueue queue;
    private final ProvisioningScheduler scheduler;
    private final AfterCommit afterCommit;
    private final Outbox outbox;

    ClusterConsumer(Inbox inbox, ClusterProjection clusters, MembershipProjection members, ReconcileQueue queue,
                    ProvisioningScheduler scheduler, AfterCommit afterCommit, Outbox outbox) {
        this.inbox = inbox;
        this.clusters = clusters;
        this.members = members;
        this.queue = queue;
        this.scheduler = scheduler;
        this.afterCommit = afterCommit;
        this.outbox = outbox;
    }

    @Incoming(Channels.CLUSTERS)
    @Blocking(ordered = true)
    public CompletionStage<Void> on(KafkaRecordBatch<String, Envelope<?>> batch) {
        return PolledBatch.apply(batch, this::applyAll);
    }

    /**
     * The batch's events not applied before, in log order, in one transaction (one inbox statement). Every team
     * of the batch is locked first, in sorted order, as the membership consumer locks its teams: locking them
     * event by event could deadlock with it.
     */
    private void applyAll(List<Envelope<?>> envelopes) {
        queue.lockTeams(envelopes.stream().map(ClusterConsumer::team).filter(Objects::nonNull).toList());
        inbox.firstDeliveriesOf(envelopes, CONSUMER).forEach(this::apply);
    }

    private void apply(Envelope<?> envelope) {
        try (LogContext log = LogContext.forEvent(envelope.metadata().id(), envelope.metadata().correlationId())) {
            // ClusterDiscovered and ClusterUpdated both carry the whole state: converge on it
            if (envelope.data() instanceof ClusterState c) {
                log.cluster(c.clusterId()).team(c.team());
                clusterPresent(envelope, c);
            } else if (envelope.data() instanceof ClusterRemoved c) {
                log.cluster(c.clusterId()).team(c.team());
                clusterRemoved(envelope, c);
            }
            // other event types on the topic are not ours to handle
        }
    }

    /** The team a cluster event is about; null for event types on the topic that are not ours. */
    private static String team(Envelope<?> envelope) {
        if (envelope.data() instanceof ClusterState c) {
            return c.team();
        }
        return envelope.data() instanceof ClusterRemoved c ? c.team() : null;
    }

    private void clusterPresent(Envelope<?> envelope, ClusterState cluster) {
        if (!clusters.upsert(cluster, envelope.metadata().time(), envelope.metadata().id())) {
            return;
        }
        queue.markCluster(cluster.clusterId(), cluster.team());
        afterCommit.run(() -> scheduler.wake(cluster.clusterId()));
    }

    private void clusterRemoved(Envelope<?> envelope, ClusterRemoved removed) {
        if (!clusters.remove(removed.clusterId(), envelope.metadata().time(), envelope.metadata().id())) {
            return;
        }
        queue.forget(removed.clusterId());
        outbox.publishAll(members.members(removed.team()).stream().map(email -> envelope.follow(
                ClusterProvisioner.PRODUCER, new AccessRevoked(removed.clusterId(), email,
                        AccessRevoked.CLUSTER_REMOVED))).toList());
    }
}
