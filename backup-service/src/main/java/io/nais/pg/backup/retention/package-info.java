/**
 * Retention: keep the newest backup of each of the last N days, ISO weeks and
 * months (UTC); prune the rest. The selection ({@link io.nais.pg.backup.retention.RetentionPolicy})
 * is pure and unit-tested; the job deletes the manifest first, then the dump,
 * then records PRUNED with BackupPruned.
 */
package io.nais.pg.backup.retention;
