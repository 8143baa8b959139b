/**
 * The operator REST API (see {@link io.nais.pg.backup.api.BackupResource}):
 * {@code POST /api/backups/{team}/{app}} queues a backup (202 with its id),
 * {@code GET} lists runs with size, checksum and verification, and
 * {@code POST …/restore} restores a stored backup into a new database, and
 * {@code POST …/verify} runs the restore verification of the newest completed
 * backup now and answers with its RestoreVerified figures. Bearer tokens
 * only; who may do what is {@code io.nais.pg.backup.access}.
 */
package io.nais.pg.backup.api;
