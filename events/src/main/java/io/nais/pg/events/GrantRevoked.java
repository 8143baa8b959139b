package io.nais.pg.events;

import java.util.UUID;

/** A DBA grant was ended before its expiry by {@code revokedBy}. Key: the grant id. */
public record GrantRevoked(UUID grantId, String clusterId, String team, String requester, String revokedBy,
        String reason) implements PlatformEvent {

    public GrantRevoked {
        Require.present(grantId, "GrantRevoked.grantId");
        Require.clusterId(clusterId, "GrantRevoked.clusterId");
        Require.text(team, "GrantRevoked.team");
        requester = Emails.normalise(Require.text(requester, "GrantRevoked.requester"));
        revokedBy = Emails.normalise(Require.text(revokedBy, "GrantRevoked.revokedBy"));
        Require.text(reason, "GrantRevoked.reason");
    }

    @Override
    public String aggregateId() {
        return grantId.toString();
    }
}
