/**
 * DBA grants in access-service: the {@code dba_grant} projection of the
 * dba-grants topic, what the gateway asks ({@code AccessDirectory.activeDbaGrant})
 * and what provisioning adds to the desired roles (SUPERUSER while active).
 *
 * <p>Decisions: provisioning is extended, not duplicated: a grant change only
 * marks the person in the cluster and the reconciler converges (create the role
 * if the DBA is not a member, SUPERUSER while active; at the end NOSUPERUSER
 * plus {@code pg_terminate_backend} for a member, the whole role removed for a
 * non-member). The end is announced as {@code AccessRevoked(cluster, email,
 * "grant-expired")} through the outbox, in the same transaction, so every gateway
 * ends the sessions it relays.
 * {@link io.nais.pg.access.provisioning.intake.GrantDeadlines} ends grants at expiresAt on
 * its own (a timer armed for the earliest active deadline, a 1 s sweep as the
 * safety net, and right after start-up), so a lost GrantExpired or a restart
 * across the expiry still ends access; an ended grant never becomes active
 * again, whatever order events arrive in. Grants due together end together:
 * one statement marks them, and each cluster's pass demotes all of them in one
 * transaction and terminates their sessions in one statement
 * (bench/dba-expiry.sh measures both against expiresAt).
 */
package io.nais.pg.access.provisioning.intake;
