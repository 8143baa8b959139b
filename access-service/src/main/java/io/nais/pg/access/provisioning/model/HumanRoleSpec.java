package io.nais.pg.access.provisioning.model;

import java.util.Map;

/**
 * The desired shape of one person's role in a cluster. A {@code null} spec means
 * the role must not exist (Strimzi style: desired {@code null} is delete).
 *
 * @param roleName the person's email, used verbatim as the role name
 * @param settings per-role session defaults (the human guards), name to value
 * @param superuser whether the person holds an active DBA grant on the cluster
 */
public record HumanRoleSpec(String roleName, Map<String, String> settings, boolean superuser) {

    public HumanRoleSpec {
        settings = Map.copyOf(settings);
    }

    /** A team member's role: nothing elevated. */
    public HumanRoleSpec(String roleName, Map<String, String> settings) {
        this(roleName, settings, false);
    }
}
