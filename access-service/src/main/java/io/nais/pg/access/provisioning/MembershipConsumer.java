package io.nais.pg.access.provisioning;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.nais.pg.access.directory.AccessRevoked;
import io.nais.pg.access.directory.Channels;
import io.nais.pg.access.directory.MembershipProjection;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.InvalidEventException;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.kit.inbox.Inbox;
import io.nais.pg.kit.logging.LogContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Team membership events update the projection and mark the person dirty in
 * every cluster of the team, with the inbox rows, in one transaction per polled
 * batch; the roles themselves are changed by the reconciler, woken once per
 * touched cluster right after the commit, so one pass covers every member the
 * batch changed there (a team sync of 2,000 members is a few dozen passes, not
 * 2,000).
 *
 * <p>A record that is not a membership event is nacked on its own, so only it
 * goes to the dead-letter topic; if the batch's transaction fails, each record
 * is retried in a transaction of its own and only those that fail again are
 * dead-lettered, exactly as with one record at a time.
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
    private final Event<AccessRevoked> revoked;

    MembershipConsumer(Inbox inbox, MembershipProjection members, ReconcileQueue queue,
                       ProvisioningScheduler scheduler, AfterCommit afterCommit, Event<AccessRevoked> revoked) {
        this.inbox = inbox;
        this.members = members;
        this.queue = queue;
        this.scheduler = scheduler;
        this.afterCommit = afterCommit;
        this.revoked = revoked;
    }

    @Incoming(Channels.MEMBERSHIP)
    @Blocking(ordered = true)
    public CompletionStage<Void> on(KafkaRecordBatch<String, Envelope<?>> batch) {
        List<KafkaRecord<String, Envelope<?>>> valid = new ArrayList<>();
        List<CompletionStage<Void>> deadLetters = new ArrayList<>();
        for (KafkaRecord<String, Envelope<?>> record : batch.getRecords()) {
            RuntimeException poison = poison(record);
            if (poison == null) {
                valid.add(record);
            } else {
                deadLetters.add(record.nack(poison));
            }
        }
        applyAll(valid, deadLetters);
        // the batch's offsets are committed only once every dead letter is on its topic
        return CompletableFuture.allOf(deadLetters.stream().map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new)).thenCompose(done -> batch.ack());
    }

    /** One transaction for the batch; if it fails, one per record, dead-lettering only those that fail alone. */
    private void applyAll(List<KafkaRecord<String, Envelope<?>>> records, List<CompletionStage<Void>> deadLetters) {
        if (records.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        long[] phases = new long[3];
        // a lone record (a quiet topic, or the one-by-one retry of a failed batch) logs with its event's context
        try (LogContext log = records.size() == 1 ? LogContext.forEvent(records.get(0).getPayload())
                : LogContext.open()) {
            int changed = QuarkusTransaction.requiringNew().call(() -> {
                List<Envelope<?>> first = firstDeliveries(records);
                phases[0] = System.nanoTime();
                List<MembershipProjection.Change> changes = project(first);
                phases[1] = System.nanoTime();
                markAll(changes);
                phases[2] = System.nanoTime();
                return changes.size();
            });
            // phase times of a batch, to see what bounds throughput (bench: -Dbench.trace=true)
            LOG.debugf("batch of %d membership events (%d changes) applied in %.1f ms: inbox %.1f ms, projection"
                    + " %.1f ms, marks %.1f ms, commit %.1f ms", records.size(), changed,
                    (System.nanoTime() - start) / 1e6, (phases[0] - start) / 1e6, (phases[1] - phases[0]) / 1e6,
                    (phases[2] - phases[1]) / 1e6, (System.nanoTime() - phases[2]) / 1e6);
        } catch (RuntimeException batchFailed) {
            if (records.size() == 1) {
                deadLetters.add(records.get(0).nack(batchFailed));
                return;
            }
            LOG.warnf("a batch of %d membership events failed (%s); applying them one by one", records.size(),
                    batchFailed.toString());
            records.forEach(record -> applyAll(List.of(record), deadLetters));
        }
    }

    /** The batch's events not applied before, in log order, each once: one inbox statement for the batch. */
    private List<Envelope<?>> firstDeliveries(List<KafkaRecord<String, Envelope<?>>> records) {
        List<Envelope<?>> envelopes = records.stream().<Envelope<?>>map(KafkaRecord::getPayload).toList();
        Set<UUID> first = new HashSet<>(inbox.firstDeliveries(
                envelopes.stream().map(envelope -> envelope.metadata().id()).toList(), CONSUMER));
        return envelopes.stream().filter(envelope -> first.remove(envelope.metadata().id())).toList();
    }

    /**
     * The projection takes, per person, the newest of what it knew and the batch's facts, in one statement; a
     * duplicate or a late event changes nothing, and added-then-removed in one batch ends removed.
     *
     * @return the memberships that changed
     */
    private List<MembershipProjection.Change> project(List<Envelope<?>> envelopes) {
        return members.applyAll(envelopes.stream().map(MembershipConsumer::fact).toList());
    }

    private static MembershipProjection.Fact fact(Envelope<?> envelope) {
        Instant time = envelope.metadata().time();
        UUID id = envelope.metadata().id();
        if (envelope.data() instanceof TeamMemberAdded added) {
            return new MembershipProjection.Fact(added.team(), added.email(), true, time, id);
        }
        TeamMemberRemoved removed = (TeamMemberRemoved) envelope.data(); // poison() let nothing else through
        return new MembershipProjection.Fact(removed.team(), removed.email(), false, time, id);
    }

    /**
     * Marks every changed person in every cluster of their team, in one statement for the batch; after the
     * commit, each touched cluster is woken once and each removal in the batch revokes access there.
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
        afterCommit.run(() -> {
            revocations.forEach(mark -> revoked.fire(new AccessRevoked(mark.clusterId(), mark.email(),
                    "member-removed")));
            scheduler.wake(touched);
        });
    }

    /** Why the record cannot be applied, or {@code null} when it is a membership event. */
    private static RuntimeException poison(KafkaRecord<String, Envelope<?>> record) {
        Envelope<?> envelope = record.getPayload();
        if (envelope == null) {
            long offset = record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                    .orElse(-1L);
            return Poison.refusal(record.getTopic(), offset);
        }
        if (envelope.data() instanceof TeamMemberAdded || envelope.data() instanceof TeamMemberRemoved) {
            return null;
        }
        return new InvalidEventException(envelope.type(), "/type", "not a team membership event");
    }
}
