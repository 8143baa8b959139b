/**
 * Idempotent consumption.
 *
 * <p>Every event may arrive twice (at-least-once delivery, outbox retries). A
 * handler calls {@link io.nais.pg.kit.inbox.Inbox#firstDelivery} first, inside
 * its own transaction; the insert into {@code processed_event} uses
 * {@code ON CONFLICT DO NOTHING}, so a concurrent duplicate waits on the first
 * one's row lock and then sees the conflict instead of failing.
 *
 * <p>A consumer that takes the records Kafka polled as one batch calls
 * {@link io.nais.pg.kit.inbox.Inbox#firstDeliveries} instead: one
 * {@code INSERT … ON CONFLICT DO NOTHING RETURNING} for the whole batch, which
 * answers with the ids not seen before. The ids are inserted in sorted order,
 * so two batches that share ids (a redelivery racing the original on another
 * replica) take their row locks in the same order and cannot deadlock.
 *
 * <p>{@link io.nais.pg.kit.inbox.PolledBatch} is how such a consumer takes the
 * batch: poison records dead-lettered alone, the rest in one transaction, and a
 * failed batch retried record by record so only what fails alone is
 * dead-lettered.
 */
package io.nais.pg.kit.inbox;
