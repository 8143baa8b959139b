/**
 * {@code nais postgres audit <app>}: console-sync-service's audit API (config
 * key {@code api.url}, bearer token required) through the shared
 * {@link io.nais.pg.cli.api.ApiClient}. The app's cluster id is the API's
 * {@code cluster} filter (the owning team from --team, config, or
 * {@link io.nais.pg.cli.api.AppOwner}); the CLI follows {@code nextCursor}
 * until the last page or {@code --limit}; {@code --since} becomes {@code from}.
 */
package io.nais.pg.cli.audit;
