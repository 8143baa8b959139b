package io.nais.pg.access.grants;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.nais.pg.kit.logging.LogContext;
import io.quarkus.scheduler.Scheduled;

/**
 * Defence in depth: ends grants at their expiresAt without waiting for
 * GrantExpired (lost, late, or dba-grant-service down). The deadline lives in
 * the projection, so the first tick after a start-up ends whatever passed
 * while access-service was down.
 */
@ApplicationScoped
public class GrantDeadlines {

    private static final Logger LOG = Logger.getLogger(GrantDeadlines.class);

    private final DbaGrantProjection grants;
    private final GrantChanges changes;

    GrantDeadlines(DbaGrantProjection grants, GrantChanges changes) {
        this.grants = grants;
        this.changes = changes;
    }

    @Scheduled(every = "${nais.access.grants.deadline-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void endDueGrants() {
        for (DbaGrantProjection.Ended ended : grants.endDue(Instant.now())) {
            try (LogContext log = LogContext.open().cluster(ended.clusterId()).grant(ended.grantId())) {
                LOG.infof("grant %s reached its expiresAt; ending superuser of %s", ended.grantId(), ended.email());
                changes.ended(ended.clusterId(), ended.email());
            }
        }
    }
}
