package io.nais.pg.backup.access;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.nais.pg.backup.clusters.Channels;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.InvalidEventException;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.kit.inbox.Inbox;
import io.nais.pg.kit.logging.LogContext;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** Team membership events into {@link TeamMembers}, once each (inbox); anything else goes to the DLQ. */
@ApplicationScoped
public class MembershipConsumer {

    static final String CONSUMER = "backup-service.membership";

    private final Inbox inbox;
    private final TeamMembers members;

    MembershipConsumer(Inbox inbox, TeamMembers members) {
        this.inbox = inbox;
        this.members = members;
    }

    @Incoming(Channels.MEMBERSHIP)
    @Blocking(ordered = true)
    @Transactional
    public void on(Envelope<?> envelope) {
        if (!inbox.firstDelivery(envelope.metadata().id(), CONSUMER)) {
            return;
        }
        try (var log = LogContext.forEvent(envelope).team(envelope.key())) {
            if (envelope.data() instanceof TeamMemberAdded added) {
                members.apply(added.team(), added.email(), true, envelope.metadata().time());
            } else if (envelope.data() instanceof TeamMemberRemoved removed) {
                members.apply(removed.team(), removed.email(), false, envelope.metadata().time());
            } else {
                throw new InvalidEventException(envelope.type(), "/type", "not a team membership event");
            }
        }
    }
}
