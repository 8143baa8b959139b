package io.nais.pg.dbagrant.projection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.nais.pg.events.ClusterRemoved;
import io.nais.pg.events.ClusterState;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.InvalidEventException;
import io.nais.pg.kit.inbox.Inbox;
import io.nais.pg.kit.inbox.UntilTheDatabaseAnswers;
import io.nais.pg.kit.membership.MembershipProjection;
import io.nais.pg.kit.logging.LogContext;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** Membership and cluster events into {@link MembershipProjection} and {@link TeamDirectory}, once each (inbox), poison to the DLQ. */
@ApplicationScoped
public class ProjectionConsumers {

    private final Inbox inbox;
    private final MembershipProjection members;
    private final TeamDirectory directory;

    ProjectionConsumers(Inbox inbox, MembershipProjection members, TeamDirectory directory) {
        this.inbox = inbox;
        this.members = members;
        this.directory = directory;
    }

    @Incoming(Channels.MEMBERSHIP)
    @Blocking(ordered = true)
    @UntilTheDatabaseAnswers
    @Transactional
    public void onMembership(Envelope<?> envelope) {
        if (!inbox.firstDelivery(envelope.metadata().id(), "dba-grant.membership")) {
            return;
        }
        try (LogContext log = LogContext.forEvent(envelope).team(envelope.key())) {
            members.apply(envelope);
        }
    }

    @Incoming(Channels.CLUSTERS)
    @Blocking(ordered = true)
    @UntilTheDatabaseAnswers
    @Transactional
    public void onCluster(Envelope<?> envelope) {
        if (!inbox.firstDelivery(envelope.metadata().id(), "dba-grant.clusters")) {
            return;
        }
        try (LogContext log = LogContext.forEvent(envelope).cluster(envelope.key())) {
            if (envelope.data() instanceof ClusterState c) {
                directory.clusterPresent(c, envelope.metadata().time(), envelope.metadata().id());
            } else if (envelope.data() instanceof ClusterRemoved r) {
                directory.clusterRemoved(r.clusterId(), envelope.metadata().time(), envelope.metadata().id());
            } else {
                throw new InvalidEventException(envelope.type(), "/type", "not a cluster event");
            }
        }
    }
}
