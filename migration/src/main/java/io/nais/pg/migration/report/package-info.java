/**
 * The outcome leaves the CLI as a printed report (plan, progress, verification) and as one
 * MigrationCompleted or MigrationFailed event, encoded with the project's one
 * {@link io.nais.pg.events.EventCodec}, keyed by the target cluster id, sent when a Kafka bootstrap
 * is configured. Events carry figures and table names, never the source's address or credentials.
 */
package io.nais.pg.migration.report;
