package io.nais.pg.access.provisioning;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Team membership events update the projection and mark the person dirty in
 * every cluster of the team, in one transaction with the inbox row; the roles
 * themselves are changed by the reconciler, woken right after the commit.
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
    @Transactional
    public void on(ConsumerRecord<String, Envelope<?>> record) {
        Envelope<?> envelope = Poison.require(record);
        try (LogContext log = LogContext.forEvent(envelope.metadata().id(), envelope.metadata().correlationId())) {
            if (!inbox.firstDelivery(envelope.metadata().id(), CONSUMER)) {
                return;
            }
            if (envelope.data() instanceof TeamMemberAdded added) {
                log.team(added.team());
                membershipChanged(envelope, added.team(), added.email(), true);
            } else if (envelope.data() instanceof TeamMemberRemoved removed) {
                log.team(removed.team());
                membershipChanged(envelope, removed.team(), removed.email(), false);
            } else {
                throw new InvalidEventException(envelope.type(), "/type", "not a team membership event");
            }
        }
    }

    private void membershipChanged(Envelope<?> envelope, String team, String email, boolean member) {
        boolean newest = members.apply(team, email, member, envelope.metadata().time(), envelope.metadata().id());
        if (!newest) {
            return; // older than what we know: a late event changes nothing
        }
        List<String> clusterIds = queue.markMember(team, email);
        LOG.debugf("membership of %s is now %s; marked in %d clusters", email, member ? "added" : "removed",
                clusterIds.size());
        afterCommit.run(() -> {
            if (!member) {
                clusterIds.forEach(id -> revoked.fire(new AccessRevoked(id, email, "member-removed")));
            }
            scheduler.wake(clusterIds);
        });
    }
}
