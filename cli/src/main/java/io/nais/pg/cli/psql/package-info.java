/**
 * {@code nais postgres psql}: a proxy on a free loopback port for the life of one psql.
 * psql is found on PATH, then in /usr/lib/postgresql/&lt;version&gt;/bin (newest first).
 * The JVM ignores SIGINT while psql runs, because Ctrl-C reaches the whole process group
 * and psql turns it into a query cancel that travels through this very proxy.
 */
package io.nais.pg.cli.psql;
