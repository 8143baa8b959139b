/**
 * age encryption of dumps (jagged, X25519 recipients).
 *
 * <p>Decisions: the binary age v1 format, so the Debian {@code age} CLI alone
 * decrypts a dump in a disaster; the service encrypts to public recipients
 * only, and reads identities from a file solely for verification and restore;
 * no key ever reaches a log, an event or an exception message. A wrong key is
 * a {@link io.nais.pg.backup.crypto.AgeCipher.WrongKeyException}.
 */
package io.nais.pg.backup.crypto;
