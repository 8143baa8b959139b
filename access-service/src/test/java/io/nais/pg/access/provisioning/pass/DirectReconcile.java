package io.nais.pg.access.provisioning.pass;

import io.nais.pg.access.AccessLevel;
import io.nais.pg.access.directory.ClusterTarget;
import io.nais.pg.access.provisioning.model.HumanRoleSpec;
import io.nais.pg.access.provisioning.model.ReconcileResult;
import io.nais.pg.access.provisioning.model.RoleOutcome;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * For benchmarks: the very reconcile a provisioning pass runs on a cluster (the
 * role SQL resources, group set-up, one transaction for every role), run directly
 * on an admin connection: no Kafka, no service database, one pass per cluster.
 * It is the baseline "bounded by the clusters" is measured against.
 */
public final class DirectReconcile {

    private DirectReconcile() {
    }

    /** Creates a person's two login roles per email, as the service would, and fails unless every one was created. */
    public static void provision(Connection admin, String applicationRole, List<String> schemas, List<String> emails,
                                 Map<String, String> guards) throws SQLException {
        ClusterTarget cluster = new ClusterTarget("baseline/direct", "baseline", "", 0, "", applicationRole, schemas,
                "none:");
        Map<String, HumanRoleSpec> desired = new LinkedHashMap<>();
        Map<String, String> readOnlyGuards = new LinkedHashMap<>(guards);
        readOnlyGuards.put("default_transaction_read_only", "on");
        emails.forEach(email -> {
            desired.put(email, new HumanRoleSpec(email, guards));
            desired.put(AccessLevel.READ.roleName(email),
                    new HumanRoleSpec(AccessLevel.READ.roleName(email), readOnlyGuards, false, AccessLevel.READ));
        });
        List<RoleOutcome> outcomes = ClusterRoleReconciler.reconcile(admin, cluster, desired, false, true);
        long created = outcomes.stream().filter(outcome -> outcome.result() == ReconcileResult.CREATED).count();
        if (created != desired.size()) {
            throw new IllegalStateException("direct reconcile created " + created + " of " + desired.size() + " roles");
        }
    }
}
