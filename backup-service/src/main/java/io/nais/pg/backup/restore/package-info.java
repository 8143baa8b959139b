/**
 * Reading backups back: the manifest, the SHA-256 check (a whole pass before
 * decryption, so damage is reported as such), and pg_restore into a new
 * database (never over an existing one: 42P04 is a conflict).
 */
package io.nais.pg.backup.restore;
