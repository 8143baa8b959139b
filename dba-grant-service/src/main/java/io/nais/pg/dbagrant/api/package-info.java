/**
 * The grants REST API ({@code /api/grants}, OpenAPI at {@code /q/openapi}).
 *
 * <p>Decisions: quarkus-oidc verifies the bearer token (signature by the
 * issuer's JWKS, issuer, audience {@code nais-pg}, expiry), service-kit's
 * augmentor refuses an unverified email (401); the identity is the {@code email}
 * claim read by the kit's {@code CallerClaims} (one spelling), the DBA and admin
 * groups come from {@code groups}. Reading grants is scoped: a person sees the
 * grants of their own teams and their own requests (another team's grant is a
 * 404, as if it did not exist), platform admins see all. Rules live in
 * {@code dbagrant.model}; a refusal is a 4xx JSON {@code {rule, message}}
 * (400 invalid, 403 forbidden, 404 unknown, 409 wrong state) and never echoes
 * the token.
 */
package io.nais.pg.dbagrant.api;
