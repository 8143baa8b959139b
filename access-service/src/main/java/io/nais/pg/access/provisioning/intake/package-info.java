/**
 * What makes provisioning act: the membership, clusters and dba-grants consumers
 * write the projections ({@code directory}), mark the people and clusters whose
 * roles must change ({@code pass.ReconcileQueue}) in the same transaction, and
 * wake the pass after the commit. Channel names are in {@link
 * io.nais.pg.access.provisioning.intake.Channels}.
 *
 * <p>DBA grants: provisioning is extended, not duplicated. A grant change
 * ({@link io.nais.pg.access.provisioning.intake.GrantChanges}) only marks the
 * person in the cluster and the reconciler converges (create the role if the DBA
 * is not a member, SUPERUSER while active; at the end NOSUPERUSER plus
 * {@code pg_terminate_backend} for a member, the whole role removed for a
 * non-member). The end is announced as {@code AccessRevoked(cluster, email,
 * "grant-expired")} through the outbox, in the same transaction, so every gateway
 * ends the sessions it relays.
 * {@link io.nais.pg.access.provisioning.intake.GrantDeadlines} ends grants at
 * expiresAt on its own (a timer armed for the earliest active deadline, a 1 s
 * sweep as the safety net, and right after start-up), so a lost GrantExpired or a
 * restart across the expiry still ends access. Grants due together end together:
 * one statement marks them, and each cluster's pass demotes all of them in one
 * transaction and terminates their sessions in one statement
 * (bench/dba-expiry.sh measures both against expiresAt).
 */
package io.nais.pg.access.provisioning.intake;
