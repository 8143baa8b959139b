/**
 * Moving a team's database from Cloud SQL (or any PostgreSQL) into a platform cluster, verified.
 * {@link io.nais.pg.migration.Migration#run()} reads as the steps: plan (both catalogs, blockers,
 * estimate), then dump mode (one streamed {@code pg_dump | pg_restore}) or replicate mode (schema,
 * publication, subscription, catch-up, cut-over), then verification and one event.
 *
 * <p>Capabilities: {@code connect} (credentials, masking), {@code plan} (pure decisions over
 * catalog profiles), {@code dump}, {@code replicate}, {@code verify}, {@code report} (events).
 *
 * <p>Key decisions: restore as the target's application role (the target database's owner unless
 * given), so the platform's default privileges give the human group DML on every migrated table
 * without this module repeating access-service's role SQL; no dump file ever touches disk; every
 * step is safe to re-run (single-transaction restore, named replication objects that are resumed);
 * the source password never appears in output, logs, events or on a process command line.
 */
package io.nais.pg.migration;
