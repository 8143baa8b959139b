/**
 * Transactional outbox: no dual writes.
 *
 * <p>{@link io.nais.pg.kit.outbox.Outbox#publish} inserts the encoded event into
 * {@code outbox_event} inside the caller's transaction ({@code MANDATORY}). The
 * {@link io.nais.pg.kit.outbox.OutboxRelay} sends rows with a plain
 * kafka-clients producer built from the service's {@code kafka.*} settings
 * (idempotent, {@code acks=all}) and deletes them after the broker acked them.
 *
 * <p>Key decisions:
 * <ul>
 *   <li><b>At least once.</b> A crash after the ack and before the delete sends
 *       the row again; consumers dedupe by event id ({@code kit.inbox}).</li>
 *   <li><b>Wake-up plus sweep.</b> A transaction observer ({@code AFTER_SUCCESS})
 *       wakes the relay right after the commit; a sweep every 500 ms picks up
 *       rows whose wake-up was lost (crash, another replica's commit).</li>
 *   <li><b>Replicas.</b> Rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so
 *       replicas never send the same row concurrently. A row waits while an
 *       older row of its key is claimed elsewhere, so a key's events leave in
 *       {@code seq} order. {@code seq} is assigned at insert: two transactions
 *       that emit for one aggregate concurrently must serialise on the aggregate
 *       (they update its row anyway).</li>
 *   <li><b>Failures.</b> A row the broker did not ack stays; later rows of the
 *       same key in that batch are sent again after it, so the newest event of
 *       a key is always last on the topic.</li>
 *   <li><b>Gauge.</b> {@code nais_outbox_pending} counts rows not yet acked.</li>
 * </ul>
 */
package io.nais.pg.kit.outbox;
