/**
 * Scheduled restore verification of each cluster's newest backup on a
 * dedicated scratch server, never a team's cluster. Order: manifest → SHA-256
 * over the whole object → a throwaway NOSUPERUSER login and a database that it
 * alone owns and may connect to → age decrypt → pg_restore AS that login
 * (--no-owner --no-privileges: the team's roles do not exist there) → rows, an
 * md5 sum of their content and the index definitions per table, and each
 * sequence's last value, read as that login vs. the manifest → RestoreVerified
 * (ok=false with a detail naming each table, index or sequence that differs,
 * never a value; or the error) → database and login dropped, also on
 * failure.
 *
 * <p>The scratch server decrypts every team's backup, so a team's restored
 * code (check constraints, index expressions, functions shadowing the
 * catalog's) must never run with rights beyond its own verification's
 * database: see {@link io.nais.pg.backup.restore.DatabaseRestorer}.
 */
package io.nais.pg.backup.verify;
