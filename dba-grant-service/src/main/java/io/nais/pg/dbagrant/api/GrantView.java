package io.nais.pg.dbagrant.api;

import java.time.Instant;

import io.nais.pg.dbagrant.model.Grant;

/** A grant as the API shows it; durations as ISO-8601 text. */
public record GrantView(String id, String clusterId, String team, String requester, String reason,
        String duration, String state, String decidedBy, Instant requestedAt, Instant grantedAt, Instant expiresAt) {

    static GrantView of(Grant g) {
        return new GrantView(g.grantId().toString(), g.clusterId(), g.team(), g.requester(), g.reason(),
                g.duration().toString(), g.state().name(), g.decidedBy(), g.requestedAt(), g.grantedAt(),
                g.expiresAt());
    }
}
