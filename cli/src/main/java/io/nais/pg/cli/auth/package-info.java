/**
 * Login and tokens. Decisions:
 * <ul>
 * <li>Authorization code + PKCE with a loopback redirect on 127.0.0.1 (RFC 8252): a public
 *     client, no secret in the CLI; {@code state} checked in constant time, stray redirects
 *     get a 400 and the wait goes on.</li>
 * <li>The cache is a properties file, 0600, written atomically; it is re-read before a
 *     renewal so two processes do not fight over a rotated refresh token.</li>
 * <li>Tokens are decoded (who, until when) but never verified here: the gateway verifies.</li>
 * <li>{@code NAIS_TOKEN} wins over the cache and is never renewed.</li>
 * <li>Jackson is loaded only to read the issuer's JSON and token payloads.</li>
 * </ul>
 */
package io.nais.pg.cli.auth;
