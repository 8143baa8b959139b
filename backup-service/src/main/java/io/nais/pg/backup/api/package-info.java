/**
 * The operator REST API (see {@link io.nais.pg.backup.api.BackupResource}):
 * {@code POST /api/backups/{team}/{app}} queues a backup (202 with its id),
 * {@code GET} lists runs with size, checksum and verification, and
 * {@code POST …/restore} restores a stored backup into a new database.
 */
package io.nais.pg.backup.api;
