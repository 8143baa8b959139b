package io.nais.pg.events;

import java.time.Instant;
import java.util.UUID;

/** A team member approved a DBA request; access ends at {@code expiresAt}. Key: the grant id. */
public record DbaAccessGranted(UUID grantId, String clusterId, String team, String requester, String approver,
        Instant grantedAt, Instant expiresAt) implements PlatformEvent {

    public DbaAccessGranted {
        Require.present(grantId, "DbaAccessGranted.grantId");
        Require.clusterId(clusterId, "DbaAccessGranted.clusterId");
        Require.text(team, "DbaAccessGranted.team");
        requester = Emails.normalise(Require.text(requester, "DbaAccessGranted.requester"));
        approver = Emails.normalise(Require.text(approver, "DbaAccessGranted.approver"));
        Require.notBefore(expiresAt, grantedAt, "DbaAccessGranted.expiresAt", "DbaAccessGranted.grantedAt");
    }

    @Override
    public String aggregateId() {
        return grantId.toString();
    }
}
