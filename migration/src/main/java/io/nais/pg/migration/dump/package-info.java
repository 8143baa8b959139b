/**
 * Dump mode: {@code pg_dump -Fc | pg_restore} through a pipe this JVM pumps (so it can count bytes
 * and print progress with an ETA), never through a file. Restored as the target's application role
 * ({@code --no-owner --role}), in one transaction, so a failure leaves the target unchanged and the
 * command can simply run again. pg_restore connects as a throwaway login that is a member of the
 * application role only ({@link io.nais.pg.migration.dump.RestoreLogin}), never as the admin: the
 * dump's code runs during the restore and a function can {@code RESET ROLE} out of {@code --role}.
 * See {@link io.nais.pg.migration.dump.DumpPipe} for the flags and why.
 */
package io.nais.pg.migration.dump;
