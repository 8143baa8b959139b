package io.nais.pg.access.gateway.session;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.LoginDenied;
import io.nais.pg.events.SessionClosed;
import io.nais.pg.events.SessionOpened;
import io.nais.pg.events.UnauthenticatedLoginRefused;
import io.nais.pg.kit.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Publishes the gateway's audit events through the outbox, each in its own
 * transaction (the gateway changes no rows of its own, so the event is the whole
 * transaction). Called on the gateway's blocking executor, never an event loop.
 */
@ApplicationScoped
public class OutboxSessionEvents implements SessionEvents {

    static final String PRODUCER = "access-service";
    private static final Logger LOG = Logger.getLogger(OutboxSessionEvents.class);
    private static final Pattern CLUSTER_ID = Pattern.compile("[^/\\s]+/[^/\\s]+");

    private final Outbox outbox;

    OutboxSessionEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    @Override
    @Transactional
    public void opened(Session session) {
        outbox.publish(Envelope.of(PRODUCER, new SessionOpened(session.clusterId(), session.id(), session.email(),
                session.clientAddress(), session.openedAt(), grantId(session), session.level().asEvent())));
    }

    @Override
    @Transactional
    public void closed(Session session, String reason, Instant closedAt) {
        outbox.publish(Envelope.of(PRODUCER, new SessionClosed(session.clusterId(), session.id(), session.email(),
                session.clientAddress(), session.openedAt(), closedAt, session.bytesFromClient(),
                session.bytesToClient(), reason)));
    }

    @Override
    @Transactional
    public void loginDenied(LoginDenial denial) {
        String clusterId = denial.clusterId() != null && CLUSTER_ID.matcher(denial.clusterId()).matches()
                ? denial.clusterId() : null;
        String email = denial.email() == null || denial.email().isBlank() ? null : denial.email();
        outbox.publish(Envelope.of(PRODUCER, new LoginDenied(clusterId, email, denial.clientAddress(),
                denial.reason(), denial.sqlState())));
        LOG.infof("login denied: cluster=%s reason=%s sqlstate=%s", clusterId, denial.reason(), denial.sqlState());
    }

    @Override
    @Transactional
    public void unauthenticatedRefused(UnauthenticatedRefusal refusal) {
        outbox.publish(Envelope.of(PRODUCER, new UnauthenticatedLoginRefused(refusal.clientAddress(), refusal.reason(),
                refusal.sqlState(), refusal.refusals())));
        LOG.infof("connection refused before authentication: address=%s reason=%s sqlstate=%s refusals=%d",
                refusal.clientAddress(), refusal.reason(), refusal.sqlState(), refusal.refusals());
    }

    private static UUID grantId(Session session) {
        try {
            return session.grantId() == null ? null : UUID.fromString(session.grantId());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
