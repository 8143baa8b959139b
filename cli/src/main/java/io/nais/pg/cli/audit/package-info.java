/**
 * {@code nais postgres audit <app>}: console-sync-service's audit API (config
 * key {@code api.url}, bearer token required) through the shared
 * {@link io.nais.pg.cli.api.ApiClient}. The API has no app filter, so the CLI
 * pages through the team's lines and keeps the app's cluster id; {@code --since}
 * becomes the API's {@code from}.
 */
package io.nais.pg.cli.audit;
