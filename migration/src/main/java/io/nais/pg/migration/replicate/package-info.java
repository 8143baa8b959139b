/**
 * Replicate mode, for a short cut-over: the schema is copied as in dump mode (schema only, owned by
 * the application role), then a publication of the application's tables on the source and a
 * subscription on the target copy the rows and stream changes. A run without {@code --cutover}
 * returns once caught up, leaving replication running; a run with it (the team has stopped writes)
 * waits until the target has confirmed the source's WAL position taken at that moment, copies the
 * sequences (logical replication does not), drops subscription, slot and publication, and
 * verifies. Both objects are named {@code nais_migration}, so any run finds an earlier one and
 * resumes. Refused without a primary key on every table (updates and deletes could not be applied).
 * The subscription's conninfo holds the source password: it stays in the target's
 * {@code pg_subscription}, readable by superusers only, and is gone with the subscription.
 */
package io.nais.pg.migration.replicate;
