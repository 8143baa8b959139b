/**
 * What access-service knows about teams, clusters and DBA grants: the projections
 * of the membership, clusters and dba-grants topics, and
 * {@link io.nais.pg.access.directory.AccessDirectory}, the query interface the
 * gateway authorises logins through. The bottom layer: it imports no other
 * package of access-service; provisioning writes it, the gateway reads it.
 *
 * <p>Key decisions:
 * <ul>
 *   <li><b>Newest fact wins.</b> Each row holds the newest event per key, ordered
 *       by (envelope time, event id); removals stay as tombstones, so a late
 *       event of either kind can neither remove a re-added member nor bring back a
 *       removed one or a removed cluster.</li>
 *   <li><b>An ended grant stays ended.</b> {@code dba_grant} keeps a grant inactive
 *       once it ended (GrantExpired, GrantRevoked or its deadline), whatever order
 *       the events arrive in; {@code activeDbaGrant} answers only grants active now.</li>
 *   <li><b>Plain JDBC in the caller's transaction.</b> The projections are written
 *       with the inbox row and the reconcile marks in one transaction, as the
 *       service-kit's outbox and inbox are (no ORM flush ordering to reason about).</li>
 * </ul>
 */
package io.nais.pg.access.directory;
