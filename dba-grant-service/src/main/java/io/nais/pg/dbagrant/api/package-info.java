/**
 * The grants REST API ({@code /api/grants}, OpenAPI at {@code /q/openapi}).
 *
 * <p>Decisions: quarkus-oidc verifies the bearer token (signature by the
 * issuer's JWKS, issuer, audience, expiry); the identity is the {@code email}
 * claim and the DBA group comes from {@code groups}. Rules live in
 * {@code dbagrant.model}; a refusal is a 4xx JSON {@code {rule, message}}
 * (400 invalid, 403 forbidden, 404 unknown, 409 wrong state) and never echoes
 * the token.
 */
package io.nais.pg.dbagrant.api;
