package io.nais.pg.backup.access;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.nais.pg.backup.clusters.Channels;
import io.nais.pg.events.Envelope;
import io.nais.pg.kit.inbox.Inbox;
import io.nais.pg.kit.inbox.UntilTheDatabaseAnswers;
import io.nais.pg.kit.logging.LogContext;
import io.nais.pg.kit.membership.MembershipProjection;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Team membership events into the service's {@code backup_team_member} table
 * (the kit's {@link MembershipProjection}), once each (inbox); anything else
 * goes to the DLQ.
 */
@ApplicationScoped
public class MembershipConsumer {

    static final String CONSUMER = "backup-service.membership";

    private final Inbox inbox;
    private final MembershipProjection members;

    MembershipConsumer(Inbox inbox, MembershipProjection members) {
        this.inbox = inbox;
        this.members = members;
    }

    @Produces
    @Singleton
    static MembershipProjection members(DataSource dataSource) {
        return new MembershipProjection(dataSource, "backup_team_member");
    }

    @Incoming(Channels.MEMBERSHIP)
    @Blocking(ordered = true)
    @UntilTheDatabaseAnswers
    @Transactional
    public void on(Envelope<?> envelope) {
        if (!inbox.firstDelivery(envelope.metadata().id(), CONSUMER)) {
            return;
        }
        try (var log = LogContext.forEvent(envelope).team(envelope.key())) {
            members.apply(envelope);
        }
    }
}
