/**
 * Approving, denying and revoking DBA grants.
 *
 * <p>Decisions: the approver must be a member of the owning team by this
 * service's own membership projection (so approval works while other services
 * are down) and never the requester. The grant row is locked
 * ({@code SELECT … FOR UPDATE}) before the rules are checked, so two approvals
 * of one request, or an approval racing the pending-TTL sweep, cannot both win.
 * {@code expiresAt} counts from the approval, not from the request. A revocation
 * (requester or team member) keeps the approver and times on the row; the
 * GrantRevoked event records who and why.
 */
package io.nais.pg.dbagrant.approval;
