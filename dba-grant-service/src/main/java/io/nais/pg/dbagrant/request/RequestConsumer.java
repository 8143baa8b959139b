package io.nais.pg.dbagrant.request;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.nais.pg.dbagrant.projection.Channels;
import io.nais.pg.events.DbaAccessRequested;
import io.nais.pg.events.Envelope;
import io.nais.pg.kit.inbox.Inbox;
import io.nais.pg.kit.inbox.UntilTheDatabaseAnswers;
import io.nais.pg.kit.logging.LogContext;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * DbaAccessRequested events on the dba-grants topic. The other events on that
 * topic are this service's own decisions and are ignored.
 */
@ApplicationScoped
public class RequestConsumer {

    private final Inbox inbox;
    private final RequestService requests;

    RequestConsumer(Inbox inbox, RequestService requests) {
        this.inbox = inbox;
        this.requests = requests;
    }

    @Incoming(Channels.DBA_GRANTS)
    @Blocking(ordered = true)
    @UntilTheDatabaseAnswers
    @Transactional
    @SuppressWarnings("unchecked")
    public void on(Envelope<?> envelope) {
        if (!(envelope.data() instanceof DbaAccessRequested requested)) {
            return;
        }
        if (!inbox.firstDelivery(envelope.metadata().id(), "dba-grant.requests")) {
            return;
        }
        try (LogContext log = LogContext.forEvent(envelope).cluster(requested.clusterId())
                .grant(requested.grantId().toString())) {
            requests.requested((Envelope<DbaAccessRequested>) envelope);
        }
    }
}
