package io.nais.pg.access.provisioning.intake;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.nais.pg.kit.inbox.UntilTheDatabaseAnswers;
import io.nais.pg.kit.transaction.AfterCommit;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.events.GrantRevoked;
import io.nais.pg.kit.inbox.Inbox;
import io.nais.pg.kit.logging.LogContext;
import io.nais.pg.access.directory.DbaGrantProjection;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * The dba-grants topic into {@link DbaGrantProjection}: a grant begins at
 * DbaAccessGranted and ends at GrantExpired or GrantRevoked (requests and
 * denials change nothing here).
 */
@ApplicationScoped
public class DbaGrantConsumer {

    static final String CONSUMER = "access-dba-grants";

    private final Inbox inbox;
    private final DbaGrantProjection grants;
    private final GrantChanges changes;
    private final GrantDeadlines deadlines;
    private final AfterCommit afterCommit;

    DbaGrantConsumer(Inbox inbox, DbaGrantProjection grants, GrantChanges changes, GrantDeadlines deadlines,
                     AfterCommit afterCommit) {
        this.inbox = inbox;
        this.grants = grants;
        this.changes = changes;
        this.deadlines = deadlines;
        this.afterCommit = afterCommit;
    }

    @Incoming(Channels.DBA_GRANTS)
    @Blocking(ordered = true)
    @UntilTheDatabaseAnswers
    @Transactional
    public void on(Envelope<?> envelope) {
        if (!inbox.firstDelivery(envelope.metadata().id(), CONSUMER)) {
            return;
        }
        try (LogContext log = LogContext.forEvent(envelope).grant(envelope.key())) {
            if (envelope.data() instanceof DbaAccessGranted granted) {
                log.cluster(granted.clusterId()).team(granted.team());
                if (grants.granted(envelope.key(), granted.clusterId(), granted.requester(), granted.expiresAt(),
                        envelope.metadata().time())) {
                    changes.began(granted.clusterId(), granted.requester());
                    if (granted.expiresAt() != null) {
                        afterCommit.run(() -> deadlines.deadlineAt(granted.expiresAt()));
                    }
                }
            } else if (envelope.data() instanceof GrantExpired expired) {
                end(envelope, expired.clusterId(), expired.requester(), "expired");
            } else if (envelope.data() instanceof GrantRevoked revoked) {
                end(envelope, revoked.clusterId(), revoked.requester(), "revoked");
            }
        }
    }

    private void end(Envelope<?> envelope, String clusterId, String email, String reason) {
        if (grants.end(envelope.key(), clusterId, email, reason, envelope.metadata().time())) {
            changes.ended(clusterId, email);
        }
    }
}
