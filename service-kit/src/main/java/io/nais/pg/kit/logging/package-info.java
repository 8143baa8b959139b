/**
 * Log context. {@link io.nais.pg.kit.logging.LogContext} puts identifiers
 * (event id, correlation id, team, cluster, grant) into the JBoss MDC for a
 * try-with-resources scope and restores the previous values on close, so
 * handlers nest contexts safely on pooled threads. JSON logs (prod profile)
 * print MDC fields. Only identifiers go in, never a secret.
 */
package io.nais.pg.kit.logging;
