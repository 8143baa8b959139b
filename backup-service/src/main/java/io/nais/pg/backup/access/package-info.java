/**
 * Who may use the backup API. Every call needs a bearer token from the
 * platform's OIDC issuer (signature, issuer, audience {@code nais-pg} and
 * expiry checked by quarkus-oidc; 401 otherwise). Then, per team:
 * <ul>
 * <li><b>list, verify, request a backup</b>: members of the owning team and
 *     platform admins (the {@code nais-admins} group claim). A member may want
 *     a fresh backup before a risky migration; a backup only adds a copy.</li>
 * <li><b>restore</b>: platform admins only (403 for members). A restore
 *     creates a database and may target another cluster, which would copy a
 *     team's data where other people can read it; the issue makes it an
 *     operator command.</li>
 * </ul>
 * Membership is this service's own projection of the team membership topic
 * (the kit's {@link io.nais.pg.kit.membership.MembershipProjection} over
 * {@code backup_team_member}, newest event wins), as in
 * dba-grant-service and console-sync-service: services learn membership from
 * events, never from another service's API. The identity is the email claim;
 * the token never reaches a log or an error message.
 */
package io.nais.pg.backup.access;
