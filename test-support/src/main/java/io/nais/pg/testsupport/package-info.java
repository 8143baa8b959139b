/**
 * Real infrastructure for tests and for the local platform: Kafka, PostgreSQL,
 * an OIDC issuer and S3, with no Docker. See test-support/README.md.
 *
 * <p>Key decisions:
 * <ul>
 *   <li>Java programs (Kafka, mock-oauth2-server, s3proxy) run in child JVMs
 *       whose classpath a {@code test-support/runtimes/*} module recorded at
 *       build time, so none of their jars reach a service's classpath.</li>
 *   <li>Children are stopped by {@code close()}, by a shutdown hook
 *       ({@code process.Reaper}) and, if this JVM is killed, by their
 *       {@code process.OrphanGuard} seeing standard input close.</li>
 *   <li>Components are JVM-wide and published through system properties,
 *       because Quarkus loads test classes once per application
 *       ({@link io.nais.pg.testsupport.Infrastructure}).</li>
 * </ul>
 */
package io.nais.pg.testsupport;
