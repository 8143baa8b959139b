/**
 * Retention: keep the newest backup of each of the last N days, ISO weeks and
 * months (UTC); prune the rest. The selection ({@link io.nais.pg.backup.retention.RetentionPolicy})
 * is pure and unit-tested; the job deletes the manifest first, then the dump,
 * then records PRUNED with BackupPruned.
 *
 * <p>{@link io.nais.pg.backup.retention.AbandonedUploadSweeper} aborts multipart
 * uploads under the prefix older than {@code abandoned-upload-age} (hourly by
 * default), judged by the start stamp in our dump keys, because some stores
 * report the listing time as {@code Initiated}. The age must exceed
 * {@code schedule.max-duration} (checked at start-up), so a backup running on
 * another replica is never cut off.
 */
package io.nais.pg.backup.retention;
