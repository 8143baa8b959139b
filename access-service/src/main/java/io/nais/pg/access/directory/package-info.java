/**
 * What access-service knows about teams and clusters: projections of the
 * membership and clusters topics, read by the gateway through
 * {@link io.nais.pg.access.directory.AccessDirectory}.
 *
 * <p>Key decisions:
 * <ul>
 *   <li><b>Newest fact wins.</b> Each row holds the newest event per key, ordered
 *       by (envelope time, event id); removals stay as tombstones, so a late
 *       event of either kind can neither remove a re-added member nor bring back a
 *       removed one or a removed cluster.</li>
 *   <li><b>Plain JDBC in the caller's transaction.</b> The projections are written
 *       with the inbox row and the reconcile marks in one transaction, as the
 *       service-kit's outbox and inbox are (no ORM flush ordering to reason about).</li>
 *   <li><b>No DBA grants yet.</b> {@code activeDbaGrant} answers empty until the
 *       DBA issue adds its projection.</li>
 * </ul>
 */
package io.nais.pg.access.directory;
