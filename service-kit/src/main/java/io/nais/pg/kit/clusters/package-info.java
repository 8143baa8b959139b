/**
 * Admin connections to the teams' PostgreSQL clusters.
 *
 * <p>Cluster events carry an {@code adminSecretRef} URI, never the secret. A
 * resolver per scheme turns it into credentials at connection time:
 * {@code file:} (properties with {@code username}/{@code password}) is built in;
 * a {@code k8s:<namespace>/<secret>} resolver is another
 * {@link io.nais.pg.kit.clusters.AdminSecretResolver} bean, added with the
 * Kubernetes client. An unknown scheme fails naming the scheme and the
 * resolvers that exist. Passwords stay in driver properties: {@code
 * AdminCredentials.toString()} masks them.
 */
package io.nais.pg.kit.clusters;
