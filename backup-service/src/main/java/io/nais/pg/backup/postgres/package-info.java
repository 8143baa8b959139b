/**
 * The PostgreSQL side of a backup: pg_dump and pg_restore from one installation
 * ({@link io.nais.pg.backup.postgres.PgTools}), per-table row counts, and what a
 * restore is compared with ({@link io.nais.pg.backup.postgres.DatabaseFingerprint}:
 * rows and an md5 sum per table, index definitions, sequences), taken in the
 * dump's snapshot.
 *
 * <p>Decisions: the tools get their login from service-kit's
 * {@code LibpqAdminLogin} ({@code sslmode=verify-full} against the cluster's
 * CA, {@code search_path=pg_catalog,pg_temp} in the startup packet, the
 * password in the child's environment only); a tool's failure carries its
 * stderr tail; generated SQL schema-qualifies every function, operator and
 * catalog it names and quotes identifiers server-side with
 * {@code pg_catalog.format('%I')}.
 */
package io.nais.pg.backup.postgres;
