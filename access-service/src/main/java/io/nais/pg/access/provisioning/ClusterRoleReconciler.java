package io.nais.pg.access.provisioning;

import io.nais.pg.access.directory.ClusterTarget;
import io.nais.pg.access.provisioning.model.ActualHumanRole;
import io.nais.pg.access.provisioning.model.HumanRoleSpec;
import io.nais.pg.access.provisioning.model.ReconcileResult;
import io.nais.pg.access.provisioning.model.RoleAction;
import io.nais.pg.access.provisioning.model.RoleDecision;
import io.nais.pg.access.provisioning.model.RoleOutcome;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converges the human roles of one cluster to a desired state, Strimzi style:
 * safe to run again, and every role reports a typed {@link ReconcileResult}.
 */
final class ClusterRoleReconciler {

    private ClusterRoleReconciler() {
    }

    /**
     * @param desired     person to spec, or to {@code null} when the person must have no role
     * @param fullResync  also remove every managed human role that {@code desired} does not keep
     * @param ensureGroup whether to (re)apply the marker, group role and its privileges first
     */
    static List<RoleOutcome> reconcile(Connection admin, ClusterTarget cluster, Map<String, HumanRoleSpec> desired,
                                       boolean fullResync, boolean ensureGroup) throws SQLException {
        return reconcile(ClusterRoles.on(admin), cluster, desired, fullResync, ensureGroup);
    }

    /** The same, on a session whose role SQL is already installed. */
    static List<RoleOutcome> reconcile(ClusterRoles roles, ClusterTarget cluster, Map<String, HumanRoleSpec> desired,
                                       boolean fullResync, boolean ensureGroup) throws SQLException {
        if (ensureGroup) {
            roles.ensureGroups(cluster.applicationRole(), cluster.schemas());
        }
        Map<String, ActualHumanRole> actual = roles.actual(desired.keySet(), fullResync);
        List<RoleOutcome> outcomes = new ArrayList<>();
        for (String roleName : rolesToConsider(desired, actual)) {
            HumanRoleSpec spec = desired.get(roleName);
            RoleAction action = RoleDecision.decide(spec, actual.get(roleName));
            outcomes.add(apply(roles, action, roleName, spec));
        }
        return outcomes;
    }

    private static Set<String> rolesToConsider(Map<String, HumanRoleSpec> desired, Map<String, ActualHumanRole> actual) {
        Set<String> names = new LinkedHashSet<>(desired.keySet());
        names.addAll(actual.keySet()); // with a full resync: managed roles nobody wants any more
        return names;
    }

    private static RoleOutcome apply(ClusterRoles roles, RoleAction action, String roleName, HumanRoleSpec spec)
            throws SQLException {
        try {
            return switch (action) {
                case NOOP -> RoleOutcome.of(roleName, ReconcileResult.NOOP);
                case LEAVE_UNMANAGED -> RoleOutcome.of(roleName, ReconcileResult.UNMANAGED);
                case CREATE -> roles.create(spec);
                case PATCH -> roles.patch(spec);
                case REMOVE -> roles.remove(roleName);
                case RETRY_DROP -> quietRetry(roles.remove(roleName));
            };
        } catch (SQLException e) {
            if (ClusterRoles.SQLSTATE_NOT_MANAGED.equals(e.getSQLState())) {
                return RoleOutcome.of(roleName, ReconcileResult.UNMANAGED); // lost the mark meanwhile
            }
            throw e;
        }
    }

    /** A role that was already deactivated and still cannot be dropped has not changed. */
    private static RoleOutcome quietRetry(RoleOutcome outcome) {
        return outcome.result() == ReconcileResult.DEACTIVATED ? RoleOutcome.of(outcome.roleName(), ReconcileResult.NOOP)
                : outcome;
    }
}
