/**
 * The plan: read both databases' catalogs ({@link io.nais.pg.migration.plan.Inspector}), then decide
 * from the two profiles alone ({@link io.nais.pg.migration.plan.MigrationPlan}, pure, unit-tested).
 * Blockers: target older than the source, an extension the target lacks (from
 * {@code pg_available_extensions}), a non-empty target without {@code --force}; in replicate mode
 * also tables without a primary key, {@code wal_level} not logical, a source user without
 * REPLICATION, large objects. A dry run prints the plan and stops; a blocked plan changes nothing.
 */
package io.nais.pg.migration.plan;
