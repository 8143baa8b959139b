package io.nais.pg.access.provisioning.model;

/** Desired versus actual, for one role. No I/O, so it is tested with plain JUnit. */
public final class RoleDecision {

    private RoleDecision() {
    }

    /**
     * @param desired the spec, or {@code null} when the role must not exist
     * @param actual  the role as the cluster has it, or {@code null} when absent
     */
    public static RoleAction decide(HumanRoleSpec desired, ActualHumanRole actual) {
        if (actual != null && !actual.managed()) {
            return RoleAction.LEAVE_UNMANAGED;
        }
        if (desired == null) {
            if (actual == null) {
                return RoleAction.NOOP;
            }
            return actual.deactivated() ? RoleAction.RETRY_DROP : RoleAction.REMOVE;
        }
        if (actual == null) {
            return RoleAction.CREATE;
        }
        return actual.conformsTo(desired) ? RoleAction.NOOP : RoleAction.PATCH;
    }
}
