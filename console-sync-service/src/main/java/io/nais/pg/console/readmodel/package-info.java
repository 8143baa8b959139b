/**
 * The console read model, folded from every topic (membership, clusters,
 * access, DBA grants, backups) into console_* tables (V3; V5_7: how people
 * can log in to each cluster, newest verdict wins, and what DBAs changed,
 * one row per DbaChangesDetected, both shown on the cluster's page and in
 * {@code GET /api/teams/{team}/postgres/{app}}).
 *
 * <p>Key decisions: each consumer records the event id in the kit's inbox in
 * the same transaction as its effect; on top of that every write converges,
 * so a late or repeated event never moves a row backwards — rows keep the
 * envelope time of the fact they show, grants and backups a lifecycle rank
 * (an ended grant stays ended whatever arrives after). "Active grant" and
 * "time left" are computed on read against now(), so expiry needs no timer
 * here. The audit trail is {@link io.nais.pg.console.audit}, appended by the
 * same consumers in the same transactions.
 */
package io.nais.pg.console.readmodel;
