package io.nais.pg.events;

import java.util.UUID;

/** A team member turned a DBA request down. Key: the grant id. */
public record DbaAccessDenied(UUID grantId, String clusterId, String team, String requester, String decidedBy,
        String reason) implements PlatformEvent {

    public DbaAccessDenied {
        Require.present(grantId, "DbaAccessDenied.grantId");
        Require.clusterId(clusterId, "DbaAccessDenied.clusterId");
        Require.text(team, "DbaAccessDenied.team");
        requester = Emails.normalise(Require.text(requester, "DbaAccessDenied.requester"));
        decidedBy = Emails.normalise(Require.text(decidedBy, "DbaAccessDenied.decidedBy"));
        Require.text(reason, "DbaAccessDenied.reason");
    }

    @Override
    public String aggregateId() {
        return grantId.toString();
    }
}
