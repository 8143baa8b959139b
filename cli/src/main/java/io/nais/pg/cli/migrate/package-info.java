/**
 * {@code nais postgres migrate}: argument resolution and exit codes only; the migration itself
 * (plan, dump, replicate, verify, events) is the {@code migration} module. The target is the
 * cluster's admin connection ({@code --to}, else {@code CLUSTER_<TEAM>_<APP>_ADMIN_URL}); events
 * go to Kafka when {@code kafka.bootstrap-servers} or {@code KAFKA_BOOTSTRAP_SERVERS} is set.
 * Picocli fields are strings so that {@code --help} loads none of the migration classes.
 */
package io.nais.pg.cli.migrate;
