/**
 * The one HTTP client the CLI's service commands share (dba, backups, audit):
 * bearer token from {@link io.nais.pg.cli.auth.AccessTokens}, the service URL
 * from a config key, and refusals shown as the service wrote them.
 */
package io.nais.pg.cli.api;
