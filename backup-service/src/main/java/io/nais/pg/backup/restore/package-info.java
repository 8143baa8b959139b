/**
 * Reading backups back: the manifest, the SHA-256 check (a whole pass before
 * decryption, so damage is reported as such), and pg_restore into a new
 * database (never over an existing one: 42P04 is a conflict).
 *
 * <p>pg_restore never connects as a superuser: each restore makes a throwaway
 * NOSUPERUSER login ({@code RestoreLogin}, random name and password, SCRAM
 * verifier sent instead of the password, dropped afterwards), so a team's
 * restored code runs with that login's rights only. On the scratch server the
 * login owns its database alone; on a team's cluster it is a member of the
 * application role, which owns the new database and every restored object.
 *
 * <p>A restore of some tables ({@code TableSelection}) restores the same way
 * with a {@code --use-list} built from the archive's own listing: the tables,
 * what belongs to them alone and what they need created; a foreign key to a
 * table left out is reported, never silently dropped. Every restore ends in a
 * RestoreCompleted naming who restored what.
 */
package io.nais.pg.backup.restore;
