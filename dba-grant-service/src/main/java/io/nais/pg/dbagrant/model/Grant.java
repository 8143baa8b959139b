package io.nais.pg.dbagrant.model;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * One DBA access request and what became of it. {@code decidedBy},
 * {@code grantedAt} and {@code expiresAt} are null until they apply.
 */
public record Grant(UUID grantId, String clusterId, String team, String requester, String reason,
        Duration duration, GrantState state, String decidedBy, Instant requestedAt, Instant grantedAt,
        Instant expiresAt) {

    /** When an unanswered request stops being approvable. */
    public Instant pendingUntil(Duration pendingTtl) {
        return requestedAt.plus(pendingTtl);
    }
}
