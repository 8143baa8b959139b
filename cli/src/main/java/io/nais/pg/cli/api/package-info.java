/**
 * The one HTTP client the CLI's service commands share (dba, backups, audit):
 * bearer token from {@link io.nais.pg.cli.auth.AccessTokens}, the service URL
 * from a config key, and refusals shown as the service wrote them. Also
 * {@link io.nais.pg.cli.api.AppOwner}: which team owns {@code <app>} when
 * neither {@code --team} nor config says, from the console's
 * {@code GET /api/me/postgres}.
 */
package io.nais.pg.cli.api;
