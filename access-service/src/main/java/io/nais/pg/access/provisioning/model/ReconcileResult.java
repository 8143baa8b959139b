package io.nais.pg.access.provisioning.model;

/** What reconciling one role did; only a change is reported as an event. */
public enum ReconcileResult {
    NOOP,
    CREATED,
    PATCHED,
    DELETED,
    /** The drop failed with 2BP01; the role is NOLOGIN and outside the group. */
    DEACTIVATED,
    /** A role of that name exists that the platform does not manage. */
    UNMANAGED;

    public boolean changed() {
        return this == CREATED || this == PATCHED || this == DELETED || this == DEACTIVATED;
    }

    public boolean provisioned() {
        return this == CREATED || this == PATCHED;
    }
}
