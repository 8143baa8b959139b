package io.nais.pg.access.provisioning.model;

import java.util.Map;

/**
 * The desired shape of one person's role in a cluster. A {@code null} spec means
 * the role must not exist (Strimzi style: desired {@code null} is delete).
 *
 * @param roleName the person's email, used verbatim as the role name
 * @param settings per-role session defaults (the human guards), name to value
 */
public record HumanRoleSpec(String roleName, Map<String, String> settings) {

    public HumanRoleSpec {
        settings = Map.copyOf(settings);
    }
}
