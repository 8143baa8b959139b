package io.nais.pg.events;

/**
 * A person's login role no longer gives access to a cluster: it was dropped, or,
 * where objects depend on it (SQLSTATE 2BP01), deactivated (NOLOGIN, out of
 * {@code nais_human}). {@code detail} says why, when there is more to say.
 * Key: the cluster id.
 */
public record HumanRoleRemoved(String clusterId, String team, String email, String roleName, Outcome outcome,
        String detail) implements PlatformEvent {

    public enum Outcome {
        DROPPED,
        DEACTIVATED
    }

    public HumanRoleRemoved {
        Require.clusterId(clusterId, "HumanRoleRemoved.clusterId");
        Require.text(team, "HumanRoleRemoved.team");
        email = Emails.normalise(Require.text(email, "HumanRoleRemoved.email"));
        Require.text(roleName, "HumanRoleRemoved.roleName");
        Require.present(outcome, "HumanRoleRemoved.outcome");
        Require.optionalText(detail, "HumanRoleRemoved.detail");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
