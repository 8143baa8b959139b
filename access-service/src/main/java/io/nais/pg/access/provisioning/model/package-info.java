/**
 * The pure decision model of provisioning: a role's desired shape
 * ({@link io.nais.pg.access.provisioning.model.HumanRoleSpec}, {@code null} meaning
 * "must not exist"), its actual shape as read from the cluster
 * ({@link io.nais.pg.access.provisioning.model.ActualHumanRole}) and the
 * {@link io.nais.pg.access.provisioning.model.RoleDecision} between them; and the
 * cluster checks' decisions: {@link io.nais.pg.access.provisioning.model.LoginPaths}
 * (can a person log in other than through the gateway?) and
 * {@link io.nais.pg.access.provisioning.model.ClusterSnapshot} (what changed since a
 * DBA grant began). No I/O lives here; the JDBC side executes the chosen action.
 */
package io.nais.pg.access.provisioning.model;
