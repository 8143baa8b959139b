/**
 * {@code nais postgres backups list|create|verify|restore}: backup-service's
 * operator API (config key {@code backup.url}) through the shared
 * {@link io.nais.pg.cli.api.ApiClient}. A table for people, {@code --json}
 * (the service's own JSON) for scripts; {@code verify} exits 1 when the
 * restore check failed, so a script cannot mistake it for success.
 */
package io.nais.pg.cli.backups;
