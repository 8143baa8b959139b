package io.nais.pg.access.provisioning.model;

import io.nais.pg.access.AccessLevel;
import java.util.Map;

/**
 * The desired shape of one person's role in a cluster. A {@code null} spec means
 * the role must not exist (Strimzi style: desired {@code null} is delete).
 *
 * @param roleName  the person's email for a write role, {@code <email>/ro} for a read-only one
 *                  ({@link AccessLevel#roleName}), used verbatim as the role name
 * @param settings  per-role session defaults (the human guards), name to value
 * @param superuser whether the person holds an active DBA grant on the cluster (write roles only)
 * @param level     which level group the role is in
 */
public record HumanRoleSpec(String roleName, Map<String, String> settings, boolean superuser, AccessLevel level) {

    public HumanRoleSpec {
        settings = Map.copyOf(settings);
        if (superuser && level != AccessLevel.WRITE) {
            throw new IllegalArgumentException("a read-only role is never a superuser");
        }
    }

    /** A person's write role, SUPERUSER while a DBA grant is active. */
    public HumanRoleSpec(String roleName, Map<String, String> settings, boolean superuser) {
        this(roleName, settings, superuser, AccessLevel.WRITE);
    }

    /** A team member's write role: nothing elevated. */
    public HumanRoleSpec(String roleName, Map<String, String> settings) {
        this(roleName, settings, false);
    }
}
