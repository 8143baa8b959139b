/**
 * Admin connections to the teams' PostgreSQL clusters.
 *
 * <p>Cluster events carry an {@code adminSecretRef} URI, never the secret. A
 * resolver per scheme turns it into credentials at connection time:
 * {@code file:} (properties with {@code username}/{@code password} and the
 * cluster CA's path as {@code sslrootcert}) is built in;
 * the {@code k8s:<namespace>/<secret>[?ca=<ca-secret>]} resolver is another
 * {@link io.nais.pg.kit.clusters.AdminSecretResolver} bean, in the module
 * {@code service-kit-kubernetes} (only the services that need it carry the
 * Kubernetes client). An unknown scheme fails naming the scheme and the
 * resolvers that exist. Passwords stay in driver properties: {@code
 * AdminCredentials.toString()} masks them.
 *
 * <p>Every admin session verifies the server ({@code sslmode=verify-full}
 * against the secret's CA or the platform bundle
 * {@code nais.kit.cluster-admin.ssl-root-cert}; no CA known means no
 * connection) and starts with {@code search_path=pg_catalog,pg_temp}: for
 * pgjdbc in {@link io.nais.pg.kit.clusters.ClusterAdminConnections#open}, for
 * libpq tools through {@link io.nais.pg.kit.clusters.LibpqAdminLogin}, both
 * from {@code AdminSessionSettings}.
 */
package io.nais.pg.kit.clusters;
