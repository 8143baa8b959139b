/**
 * Durable expiry of DBA grants.
 *
 * <p>Decisions: the {@code dba_grant} rows are the timers; nothing lives only
 * in memory. {@link io.nais.pg.dbagrant.expiry.ExpiryTimer} ticks at start-up
 * and every {@code nais.dba-grant.expiry.interval} (200 ms), and each tick
 * claims due grants with {@code UPDATE … WHERE grant_id IN (SELECT … FOR UPDATE
 * SKIP LOCKED)} and queues GrantExpired in the same transaction. Replicas skip
 * the rows another one holds, and the outer {@code state = 'GRANTED'} re-check
 * after locking means a grant is expired by exactly one transaction; a failed
 * tick rolls back and the grants stay due. {@code expiredAt} is when the timer
 * fired (the lateness against {@code expiresAt} is what {@code bench/dba-expiry.sh}
 * measures). Requests unanswered past the pending TTL are closed by the same
 * tick as EXPIRED with a DbaAccessDenied by the service identity, not a
 * GrantExpired: no access was ever given, so nothing downstream must end.
 */
package io.nais.pg.dbagrant.expiry;
