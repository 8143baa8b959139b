package io.nais.pg.events;

/**
 * A person's login role exists in a cluster and is in the shape the platform
 * wants: a member of {@code nais_human}, and SUPERUSER exactly when
 * {@code superuser} (an active DBA grant). Key: the cluster id.
 */
public record HumanRoleProvisioned(String clusterId, String team, String email, String roleName, boolean superuser)
        implements PlatformEvent {

    public HumanRoleProvisioned {
        Require.clusterId(clusterId, "HumanRoleProvisioned.clusterId");
        Require.text(team, "HumanRoleProvisioned.team");
        email = Emails.normalise(Require.text(email, "HumanRoleProvisioned.email"));
        Require.text(roleName, "HumanRoleProvisioned.roleName");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
