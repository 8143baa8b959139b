/**
 * {@code nais postgres migrate}, run next to the clusters (issue 21): the
 * verify side of backup-service (the process that already runs pg_restore into
 * teams' clusters as their admin) runs the {@code migration} module's own
 * {@link io.nais.pg.migration.Migration}, dump mode, into the app's cluster.
 *
 * <pre>
 *  nais CLI                         backup-verifier                          source     app's cluster
 *  POST /api/migrations/{team}/{app}
 *    {source: postgresql://…}  ──►  access (team member or admin), cluster known,
 *    (TLS, bearer token)            source URL parsed, host not in a refused network
 *                            ◄──   202 {migrationId}   (migration_job row: no source)
 *                                  task: plan ─────────────────────────────► catalogs ◄──► catalogs
 *                                        pg_dump | pg_restore (as a throwaway login of the app's role)
 *  GET /api/migrations/{id}  ──►         verify (per table rows + checksums, both sides)
 *    every second            ◄──   {stage, bytesCopied, bytesExpected, tables, etaSeconds}
 *                                  end: MigrationCompleted/Failed via the outbox; row = outcome;
 *                            ◄──   {state, output (plan + report), report, failure}; the task, and
 *                                  with it the source's password, is gone
 * </pre>
 *
 * Decisions: the API call, not an event, starts a migration, because an event
 * must never hold the source's credentials and a request without them could
 * not run; the credentials live in the running task's memory only, so a
 * restart fails the migration clearly (startup marks it) instead of
 * persisting them; replicate mode stays in the CLI ({@code --local}): its
 * subscription and cut-over span days and a second command, which would mean
 * keeping the password beyond one request.
 */
package io.nais.pg.backup.migrate;
