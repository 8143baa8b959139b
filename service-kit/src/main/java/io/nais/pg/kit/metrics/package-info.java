/**
 * Meter helpers more than one service uses. Metric names and what they mean are listed in
 * docs/operations.md ("Metrics"), the catalogue the services' scrape tests and deploy's checks read.
 */
package io.nais.pg.kit.metrics;
