/**
 * Taking a backup: claim → BackupStarted → {@link io.nais.pg.backup.dump.BackupPipeline}
 * → BackupCompleted or BackupFailed, each state change in one transaction with
 * its outbox row. Decisions: a bounded pool of slots per replica; one RUNNING
 * run per cluster across replicas (partial unique index); a failed attempt is
 * retried as a new backup id with doubling backoff; a RUNNING row older than
 * the maximum duration is taken as abandoned by a dead replica. A scheduled
 * backup first takes its (cluster, night) claim ({@link io.nais.pg.backup.run.NightClaims}),
 * a lease of the maximum duration, so that however many replicas queue the
 * night, one dumps each cluster; a replica taking over a lapsed claim
 * abandons its dead holder's run.
 */
package io.nais.pg.backup.run;
