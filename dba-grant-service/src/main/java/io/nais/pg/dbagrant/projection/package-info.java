/**
 * The service's own projections of the membership and clusters topics: who is
 * in which team, and which team owns which cluster.
 *
 * <p>Decisions: approval asks these tables, never another service, so a
 * decision works while access-service or the console is down. Both converge to
 * the newest event by envelope time (a replayed or late event changes nothing),
 * the inbox skips redeliveries, and a record that is not the topic's event type
 * is thrown to the channel's DLQ. Emails compare case-insensitively.
 */
package io.nais.pg.dbagrant.projection;
