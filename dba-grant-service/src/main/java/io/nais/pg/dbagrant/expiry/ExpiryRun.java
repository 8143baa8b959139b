package io.nais.pg.dbagrant.expiry;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.nais.pg.dbagrant.DbaGrantConfig;
import io.nais.pg.dbagrant.model.Grant;
import io.nais.pg.dbagrant.request.GrantStore;
import io.nais.pg.dbagrant.request.Producer;
import io.nais.pg.events.DbaAccessDenied;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.kit.outbox.Outbox;
import io.nais.pg.kit.transaction.AfterCommit;

/**
 * One batch of expiries in one transaction: the claimed rows change state and
 * their events are queued together, so a grant is expired (and announced)
 * exactly once, whichever replica or thread claimed it.
 */
@ApplicationScoped
public class ExpiryRun {

    private static final Logger LOG = Logger.getLogger(ExpiryRun.class);

    private final GrantStore grants;
    private final Outbox outbox;
    private final DbaGrantConfig config;
    private final GrantMeters meters;
    private final AfterCommit afterCommit;

    ExpiryRun(GrantStore grants, Outbox outbox, DbaGrantConfig config, GrantMeters meters, AfterCommit afterCommit) {
        this.meters = meters;
        this.afterCommit = afterCommit;
        this.grants = grants;
        this.outbox = outbox;
        this.config = config;
    }

    /** Expires up to {@code limit} grants due at {@code now}; returns the ones this call expired. */
    @Transactional
    public List<Grant> expireDueGrants(Instant now, int limit) {
        List<Grant> expired = grants.claimDue(now, limit);
        for (Grant grant : expired) {
            outbox.publish(Envelope.of(Producer.NAME, new GrantExpired(grant.grantId(), grant.clusterId(),
                    grant.team(), grant.requester(), now)));
        }
        if (!expired.isEmpty()) {
            LOG.infof("expired %d grant(s)", expired.size());
            afterCommit.run(() -> meters.expired(expired, now));
        }
        return expired;
    }

    /** Closes up to {@code limit} requests left unanswered past the pending TTL, as denied by the service. */
    @Transactional
    public List<Grant> closeStaleRequests(Instant now, int limit) {
        List<Grant> stale = grants.claimStale(config.serviceIdentity(), now.minus(config.pendingTtl()), limit);
        for (Grant grant : stale) {
            outbox.publish(Envelope.of(Producer.NAME, new DbaAccessDenied(grant.grantId(), grant.clusterId(),
                    grant.team(), grant.requester(), config.serviceIdentity(),
                    "no decision within " + config.pendingTtl())));
        }
        return stale;
    }
}
