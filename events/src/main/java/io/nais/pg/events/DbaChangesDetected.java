package io.nais.pg.events;

import java.util.List;
import java.util.UUID;

/**
 * access-service compared a cluster with the snapshot it took when {@code requester}'s DBA grant began and
 * found what a superuser changed: roles and their attributes, memberships, pg_hba rules, {@code ALTER
 * SYSTEM} settings, event triggers, extensions, {@code SECURITY DEFINER} functions, untrusted languages.
 * {@code differences} names each change, never a value (no password, no setting's value);
 * {@code disabledRoles} are LOGIN roles created during the grant that neither the platform nor the
 * operator knows, now NOLOGIN with their sessions ended. {@code stage} says when: while the grant was
 * active (a resync), at its end, or after it (a disabled role could log in again). Each difference is
 * announced once per grant, so the grant's changes are the union of its events. Key: the cluster id.
 */
public record DbaChangesDetected(UUID grantId, String clusterId, String team, String requester, Stage stage,
        List<String> differences, List<String> disabledRoles) implements PlatformEvent {

    public enum Stage {
        DURING_GRANT,
        AT_GRANT_END,
        AFTER_GRANT
    }

    public DbaChangesDetected {
        Require.present(grantId, "DbaChangesDetected.grantId");
        Require.clusterId(clusterId, "DbaChangesDetected.clusterId");
        Require.text(team, "DbaChangesDetected.team");
        Require.text(requester, "DbaChangesDetected.requester");
        Require.present(stage, "DbaChangesDetected.stage");
        differences = Require.texts(differences, "DbaChangesDetected.differences");
        disabledRoles = Require.texts(disabledRoles, "DbaChangesDetected.disabledRoles");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
