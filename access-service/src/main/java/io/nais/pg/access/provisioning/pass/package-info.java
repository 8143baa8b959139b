/**
 * The reconcile pass: the durable marks ({@code ReconcileQueue}), the scheduler
 * that runs one pass per cluster at a time, and the pass itself
 * ({@code ClusterProvisioner}: desired roles from the directory, converged on the
 * cluster's admin session with the SQL in {@code human-roles.sql} and
 * {@code cluster-checks.sql}, announced through the outbox). It reads the
 * directory and never the consumers; see {@code ../DESIGN.md}.
 */
package io.nais.pg.access.provisioning.pass;
