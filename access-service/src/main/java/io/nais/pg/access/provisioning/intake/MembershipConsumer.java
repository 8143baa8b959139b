package io.nais.pg.access.provisioning.intake;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.nais.pg.events.AccessRevoked;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.InvalidEventException;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.kit.inbox.Inbox;
import io.nais.pg.kit.inbox.PolledBatch;
import io.nais.pg.kit.membership.MembershipProjection;
import io.nais.pg.kit.logging.PhaseTimings;
import io.nais.pg.kit.outbox.Outbox;
import io.nais.pg.kit.transaction.AfterCommit;
import io.nais.pg.access.provisioning.pass.ClusterProvisioner;
import io.nais.pg.access.provisioning.pass.ProvisioningScheduler;
import io.nais.pg.access.provisioning.pass.ReconcileQueue;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Team membership events update the projection and mark the person dirty in
 * every cluster of the team, with the inbox rows, in one transaction per polled
 * batch; the roles themselves are changed by the reconciler, woken once per
 * touched cluster right after the commit, so one pass covers every member the
 * batch changed there (a team sync of 2,000 members is a few dozen passes, not
 * 2,000).
 *
 * <p>Poison records and a failing batch are handled as {@link PolledBatch} says:
 * only the records that cannot be applied on their own reach the dead-letter topic.
 */
@ApplicationScoped
public class MembershipConsumer {

    static final String CONSUMER = "access-membership";
    private static final Logger LOG = Logger.getLogger(MembershipConsumer.class);

    private final Inbox inbox;
    private final MembershipProjection members;
    private final ReconcileQueue queue;
    private final ProvisioningScheduler scheduler;
    private final AfterCommit afterCommit;
    private final Outbox outbox;

    MembershipConsumer(Inbox inbox, MembershipProjection members, ReconcileQueue queue,
                       ProvisioningScheduler scheduler, AfterCommit afterCommit, Outbox outbox) {
        this.inbox = inbox;
        this.members = members;
        this.queue = queue;
        this.scheduler = scheduler;
        this.afterCommit = afterCommit;
        this.outbox = outbox;
    }

    @Incoming(Channels.MEMBERSHIP)
    @Blocking(ordered = true)
    public CompletionStage<Void> on(KafkaRecordBatch<String, Envelope<?>> batch) {
        return PolledBatch.apply(batch, MembershipConsumer::refusal, this::applyAll);
    }

    /** The batch's inbox, projection and marks: four statements whatever its size (inside its transaction). */
    private void applyAll(List<Envelope<?>> envelopes) {
        PhaseTimings timings = new PhaseTimings();
        List<Envelope<?>> first = timings.time("inbox", () -> inbox.firstDeliveriesOf(envelopes, CONSUMER));
        List<MembershipProjection.Change> changes = timings.time("projection", () -> project(first));
        timings.run("marks", () -> markAll(changes));
        // phase times of a batch, to see what bounds throughput (bench: -Dbench.trace=true)
        LOG.debugf("batch of %d membership events (%d changes) applied before commit: %s", envelopes.size(),
                changes.size(), timings);
    }

    /**
     * The projection takes, per person, the newest of what it knew and the batch's facts, in one statement; a
     * duplicate or a late event changes nothing, and added-then-removed in one batch ends removed.
     *
     * @return the memberships that changed
     */
    private List<MembershipProjection.Change> project(List<Envelope<?>> envelopes) {
        return members.applyAll(envelopes.stream().map(MembershipProjection::fact).toList());
    }

    /**
     * Marks every changed person in every cluster of their team, in one statement for the batch; each removal
     * in the batch is announced as AccessRevoked for each cluster of the team (in the same transaction, for
     * the gateways); after the commit, each touched cluster is woken once.
     */
    private void markAll(List<MembershipProjection.Change> changes) {
        List<ReconcileQueue.Marked> marked = queue.markMembers(
                changes.stream().map(MembershipProjection.Change::team).toList(),
                changes.stream().map(MembershipProjection.Change::email).toList());
        Set<String> touched = new LinkedHashSet<>();
        marked.forEach(mark -> touched.add(mark.clusterId()));
        Set<List<String>> removed = new LinkedHashSet<>();
        changes.stream().filter(change -> !change.member())
                .forEach(change -> removed.add(List.of(change.team(), change.email())));
        List<ReconcileQueue.Marked> revocations = marked.stream()
                .filter(mark -> removed.contains(List.of(mark.team(), mark.email()))).toList();
        outbox.publishAll(revocations.stream().map(mark -> Envelope.of(ClusterProvisioner.PRODUCER,
                new AccessRevoked(mark.clusterId(), mark.email(), AccessRevoked.MEMBER_REMOVED))).toList());
        afterCommit.run(() -> scheduler.wake(touched));
    }

    /** Why the event cannot be applied here, or {@code null} when it is a membership event. */
    private static RuntimeException refusal(Envelope<?> envelope) {
        if (envelope.data() instanceof TeamMemberAdded || envelope.data() instanceof TeamMemberRemoved) {
            return null;
        }
        return new InvalidEventException(envelope.type(), "/type", "not a team membership event");
    }
}
