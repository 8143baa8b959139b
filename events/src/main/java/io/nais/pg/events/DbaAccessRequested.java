package io.nais.pg.events;

import java.time.Duration;
import java.util.UUID;

/** A DBA asked for superuser access to one cluster for {@code duration}. Key: the grant id. */
public record DbaAccessRequested(UUID grantId, String clusterId, String team, String requester, String reason,
        Duration duration) implements PlatformEvent {

    public DbaAccessRequested {
        Require.present(grantId, "DbaAccessRequested.grantId");
        Require.clusterId(clusterId, "DbaAccessRequested.clusterId");
        Require.text(team, "DbaAccessRequested.team");
        requester = Emails.normalise(Require.text(requester, "DbaAccessRequested.requester"));
        Require.text(reason, "DbaAccessRequested.reason");
        Require.positive(duration, "DbaAccessRequested.duration");
    }

    @Override
    public String aggregateId() {
        return grantId.toString();
    }
}
