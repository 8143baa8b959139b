/**
 * The caller behind a verified bearer token, read the same way by every
 * service's API ({@link io.nais.pg.kit.identity.CallerClaims}). Verification
 * itself (issuer, signature, expiry, audience) is quarkus-oidc's, configured per
 * service; this package only reads claims of a token already verified.
 */
package io.nais.pg.kit.identity;
