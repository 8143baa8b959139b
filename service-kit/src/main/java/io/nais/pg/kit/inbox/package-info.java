/**
 * Idempotent consumption.
 *
 * <p>Every event may arrive twice (at-least-once delivery, outbox retries). A
 * handler calls {@link io.nais.pg.kit.inbox.Inbox#firstDelivery} first, inside
 * its own transaction; the insert into {@code processed_event} uses
 * {@code ON CONFLICT DO NOTHING}, so a concurrent duplicate waits on the first
 * one's row lock and then sees the conflict instead of failing.
 */
package io.nais.pg.kit.inbox;
