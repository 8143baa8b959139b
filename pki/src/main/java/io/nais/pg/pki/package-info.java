/**
 * A small certificate authority for the platform: it signs the server
 * certificates of throwaway PostgreSQL clusters and the short-lived client
 * certificates the gateway mints per login.
 *
 * <p>Key decisions:
 * <ul>
 *   <li>EC P-256 keys everywhere: generating one takes well under a millisecond,
 *       an RSA-2048 key takes tens of milliseconds, and issuing must stay cheap
 *       because the gateway issues one certificate per login.</li>
 *   <li>Subject common names are encoded as UTF8String, so any email
 *       (quotes, {@code +}, unicode) round-trips exactly; PostgreSQL compares
 *       the CN byte for byte with the role name in {@code cert} authentication.</li>
 *   <li>Private keys are exported as unencrypted PKCS#8 PEM with owner-only
 *       permissions (libpq refuses a key file readable by others).</li>
 *   <li>Validity starts one minute in the past to tolerate clock skew between
 *       the issuer and the verifier.</li>
 * </ul>
 */
package io.nais.pg.pki;
