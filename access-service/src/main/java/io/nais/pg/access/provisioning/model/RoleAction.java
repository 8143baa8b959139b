package io.nais.pg.access.provisioning.model;

/** What the reconciler must do to one role; chosen by {@link RoleDecision}. */
public enum RoleAction {
    /** Already as desired. */
    NOOP,
    /** Absent and wanted. */
    CREATE,
    /** Ours and wanted, but drifted (NOLOGIN, a password, extra memberships, other guards...). */
    PATCH,
    /** Ours and no longer wanted: end sessions and drop (or deactivate on 2BP01). */
    REMOVE,
    /** Ours, already deactivated after an earlier 2BP01: try the drop again, quietly. */
    RETRY_DROP,
    /** A role of that name exists that the platform did not create: never touched. */
    LEAVE_UNMANAGED
}
