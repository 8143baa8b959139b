/**
 * The PostgreSQL side of a backup: pg_dump and pg_restore from one installation
 * ({@link io.nais.pg.backup.postgres.PgTools}), libpq connection strings, and
 * per-table row counts taken in the dump's snapshot.
 *
 * <p>Decisions: the password reaches the tools through {@code PGPASSWORD} in
 * the child's environment only; a tool's failure carries its stderr tail;
 * identifiers in generated SQL are quoted server-side with {@code format('%I')}.
 */
package io.nais.pg.backup.postgres;
