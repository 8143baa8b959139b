/**
 * When backups happen: the nightly cron with per-cluster jitter
 * ({@link io.nais.pg.backup.schedule.NightlySchedule}) and the 26-hour overdue
 * watch ({@link io.nais.pg.backup.schedule.OverdueWatch}).
 *
 * <p>Decisions: jitter spreads clusters over the night and the runner's slots
 * bound concurrency per replica; every replica queues every cluster for the
 * night named by the cron's scheduled fire time, and the runner's per-night
 * claim lets one of them dump it (exactly one backup per cluster per night);
 * a cluster is claimed by an INSERT guarded by a partial unique index, so two
 * replicas never dump the same cluster at once;
 * overdue is reported once per missed stretch (it fires again only after a new
 * success goes stale), and a never-backed-up cluster counts from its discovery.
 */
package io.nais.pg.backup.schedule;
