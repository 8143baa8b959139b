package io.nais.pg.access.provisioning.pass;

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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Converges the human roles of one cluster to a desired state, Strimzi style:
 * safe to run again, and every role reports a typed {@link ReconcileResult}.
 */
final class ClusterRoleReconciler {

    private ClusterRoleReconciler() {
    }

    /**
     * Where a pass writes down the removals it is about to make, before the cluster's transaction commits them,
     * and reads those a pass that died after that commit and before its own left unannounced.
     */
    interface RemovalLog {

        /** Nothing recorded: a reconcile whose outcomes nobody announces (benchmarks, tests of the role SQL). */
        RemovalLog NONE = new RemovalLog() {
            @Override
            public Set<String> unannounced() {
                return Set.of();
            }

            @Override
            public void removing(Set<String> roleNames) {
            }
        };

        /** Roles an earlier pass removed, or was about to, without announcing it. */
        Set<String> unannounced();

        /** Records, durably and before the cluster changes, the roles this pass is about to remove. */
        void removing(Set<String> roleNames);
    }

    /**
     * @param desired     person to spec, or to {@code null} when the person must have no role
     * @param fullResync  also remove every managed human role that {@code desired} does not keep
     * @param ensureGroup whether to (re)apply the marker, group role and its privileges first
     */
    static List<RoleOutcome> reconcile(Connection admin, ClusterTarget cluster, Map<String, HumanRoleSpec> desired,
                                       boolean fullResync, boolean ensureGroup) throws SQLException {
        return reconcile(ClusterRoles.on(admin), cluster, desired, fullResync, ensureGroup, RemovalLog.NONE);
    }

    /**
     * The same, on a session whose role SQL is already installed. Every role of the pass changes in one
     * transaction of the cluster, then the sessions of every demoted or removed role end in one statement.
     * A role that lost its managed-by mark meanwhile (55000) aborts that transaction; the pass is then redone
     * role by role, where such a role is reported UNMANAGED and the others still converge. The removals are
     * written to {@code removals} first; a role it lists as unannounced is reported as removed when this pass
     * finds it gone (DELETED) or still held back (DEACTIVATED), for the pass that removed it never said so.
     */
    static List<RoleOutcome> reconcile(ClusterRoles roles, ClusterTarget cluster, Map<String, HumanRoleSpec> desired,
                                       boolean fullResync, boolean ensureGroup, RemovalLog removals)
            throws SQLException {
        if (ensureGroup) {
            roles.ensureGroups(cluster.applicationRole(), cluster.schemas());
        }
        Set<String> unannounced = removals.unannounced();
        Set<String> named = new LinkedHashSet<>(desired.keySet());
        named.addAll(unannounced);
        Map<String, ActualHumanRole> actual = roles.actual(named, fullResync);
        Map<String, RoleAction> plan = new LinkedHashMap<>();
        for (String roleName : rolesToConsider(named, actual)) {
            plan.put(roleName, RoleDecision.decide(desired.get(roleName), actual.get(roleName)));
        }
        Set<String> removing = removals(plan);
        if (!removing.isEmpty()) {
            removals.removing(removing);
        }
        Pass pass;
        try {
            pass = roles.inOneTransaction(session -> applyAll(session, plan, desired, unannounced));
        } catch (SQLException e) {
            if (!ClusterRoles.SQLSTATE_NOT_MANAGED.equals(e.getSQLState())) {
                throw e;
            }
            pass = applyAll(roles, plan, desired, unannounced); // autocommit: one role at a time
        }
        roles.endSessions(pass.endSessions());
        return pass.outcomes();
    }

    private static Set<String> removals(Map<String, RoleAction> plan) {
        return plan.entrySet().stream()
                .filter(step -> step.getValue() == RoleAction.REMOVE || step.getValue() == RoleAction.RETRY_DROP)
                .map(Map.Entry::getKey).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** What a pass did, and whose sessions must end now that it is committed. */
    private record Pass(List<RoleOutcome> outcomes, List<String> endSessions) {
    }

    /**
     * Removals first, all in one statement; then, inside the pass's transaction, all creates in one statement;
     * the patches (and, in the role-by-role autocommit redo, the creates too) role by role.
     */
    private static Pass applyAll(ClusterRoles roles, Map<String, RoleAction> plan, Map<String, HumanRoleSpec> desired,
                                 Set<String> unannounced) throws SQLException {
        List<RoleOutcome> outcomes = new ArrayList<>();
        List<String> endSessions = new ArrayList<>();
        Set<String> removals = removals(plan);
        for (RoleOutcome removed : roles.removeAll(removals)) {
            if (removed.result() == ReconcileResult.DELETED || removed.result() == ReconcileResult.DEACTIVATED) {
                endSessions.add(removed.roleName()); // one that slipped in before the removal committed
            }
            boolean quiet = plan.get(removed.roleName()) == RoleAction.RETRY_DROP
                    && !unannounced.contains(removed.roleName());
            outcomes.add(quiet ? quietRetry(removed) : removed);
        }
        Set<String> batched = roles.autoCommit() ? Set.of() : plan.entrySet().stream()
                .filter(step -> step.getValue() == RoleAction.CREATE).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (!batched.isEmpty()) {
            outcomes.addAll(roles.createAll(batched.stream().map(desired::get).toList()));
        }
        for (Map.Entry<String, RoleAction> step : plan.entrySet()) {
            if (!removals.contains(step.getKey()) && !batched.contains(step.getKey())) {
                String roleName = step.getKey();
                boolean goneUnannounced = step.getValue() == RoleAction.NOOP && desired.get(roleName) == null
                        && unannounced.contains(roleName);
                outcomes.add(goneUnannounced ? RoleOutcome.of(roleName, ReconcileResult.DELETED)
                        : apply(roles, step.getValue(), roleName, desired.get(roleName), endSessions));
            }
        }
        return new Pass(outcomes, endSessions);
    }

    /**
     * The desired roles and the unannounced removals (a full resync's removal of someone nobody marked is in
     * neither desired nor, once gone, actual), and with a full resync the managed roles nobody wants any more.
     */
    private static Set<String> rolesToConsider(Set<String> named, Map<String, ActualHumanRole> actual) {
        Set<String> names = new LinkedHashSet<>(named);
        names.addAll(actual.keySet());
        return names;
    }

    private static RoleOutcome apply(ClusterRoles roles, RoleAction action, String roleName, HumanRoleSpec spec,
                                     List<String> endSessions) throws SQLException {
        try {
            return switch (action) {
                case NOOP -> RoleOutcome.of(roleName, ReconcileResult.NOOP);
                case LEAVE_UNMANAGED -> RoleOutcome.of(roleName, ReconcileResult.UNMANAGED);
                case CREATE -> roles.create(spec);
                case PATCH -> patch(roles, spec, endSessions);
                case REMOVE, RETRY_DROP -> throw new IllegalArgumentException("removals are applied together");
            };
        } catch (SQLException e) {
            if (ClusterRoles.SQLSTATE_NOT_MANAGED.equals(e.getSQLState()) && roles.autoCommit()) {
                return RoleOutcome.of(roleName, ReconcileResult.UNMANAGED); // lost the mark meanwhile
            }
            throw e;
        }
    }

    private static RoleOutcome patch(ClusterRoles roles, HumanRoleSpec spec, List<String> endSessions)
            throws SQLException {
        if (roles.patch(spec)) {
            endSessions.add(spec.roleName()); // demoted: no session keeps superuser powers
        }
        return RoleOutcome.of(spec.roleName(), ReconcileResult.PATCHED);
    }

    /** A role that was already deactivated and still cannot be dropped has not changed. */
    private static RoleOutcome quietRetry(RoleOutcome outcome) {
        return outcome.result() == ReconcileResult.DEACTIVATED ? RoleOutcome.of(outcome.roleName(), ReconcileResult.NOOP)
                : outcome;
    }
}
