package io.nais.pg.events;

import java.time.Instant;
import java.util.UUID;

/** A DBA grant reached its expiry; the access and its sessions end. Key: the grant id. */
public record GrantExpired(UUID grantId, String clusterId, String team, String requester, Instant expiredAt)
        implements PlatformEvent {

    public GrantExpired {
        Require.present(grantId, "GrantExpired.grantId");
        Require.clusterId(clusterId, "GrantExpired.clusterId");
        Require.text(team, "GrantExpired.team");
        requester = Emails.normalise(Require.text(requester, "GrantExpired.requester"));
        Require.present(expiredAt, "GrantExpired.expiredAt");
    }

    @Override
    public String aggregateId() {
        return grantId.toString();
    }
}
