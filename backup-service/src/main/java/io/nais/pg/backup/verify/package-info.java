/**
 * Scheduled restore verification of each cluster's newest backup into a
 * scratch database on a dedicated scratch server, never a team's cluster.
 * Order: manifest → SHA-256 over the whole object → age decrypt → pg_restore
 * (--no-owner, the owners' roles need not exist there) → rows per table vs. the
 * manifest → RestoreVerified (ok=false with detail on any mismatch or error) →
 * drop the scratch database.
 */
package io.nais.pg.backup.verify;
