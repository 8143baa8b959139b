/**
 * Log context. {@link io.nais.pg.kit.logging.LogContext} puts identifiers
 * (event id, correlation id, team, cluster, grant) into the JBoss MDC for a
 * try-with-resources scope and restores the previous values on close, so
 * handlers nest contexts safely on pooled threads. JSON logs (prod profile)
 * print MDC fields. Only identifiers go in, never a secret.
 *
 * <p>{@link io.nais.pg.kit.logging.PhaseTimings} times the named phases of one
 * unit of work for one log line, so timing code is not woven through the steps.
 */
package io.nais.pg.kit.logging;
