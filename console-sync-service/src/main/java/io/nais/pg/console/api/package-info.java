/**
 * The console's REST API ({@code /api/teams/{team}/postgres[/{app}]},
 * {@code /api/postgres} for admins, {@code /api/audit}); OpenAPI at /q/openapi.
 *
 * <p>Key decisions: OIDC bearer tokens only (quarkus-oidc, application-type
 * service, verified against {@code quarkus.oidc.auth-server-url}); no sessions.
 * A person's teams come from the membership projection by the token's email
 * claim, never from the token's groups, so removal from a team takes effect
 * as soon as the event is folded. Platform admins are members of a
 * configurable group claim. Forbidden is 403, missing/invalid token 401.
 * The admin list is paged (size up to 2,000).
 */
package io.nais.pg.console.api;
