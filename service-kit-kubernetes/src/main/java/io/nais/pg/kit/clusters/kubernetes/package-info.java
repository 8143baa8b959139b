/**
 * The {@code k8s:} admin secret resolver: cluster admin credentials and CAs
 * read from the operators' secrets through the Kubernetes API.
 *
 * <pre>
 *   ClusterAdminConnections.credentials("k8s:team-a/orders-superuser?ca=orders-ca")
 *     → KubernetesAdminSecretResolver.resolve
 *         → WatchedSecrets.get(team-a/orders-superuser)   cached; else GET by name, then WATCH that name
 *         → WatchedSecrets.get(team-a/orders-ca)          ca.crt → CaCertificateFiles (0700 dir, 0600 file)
 *     → AdminCredentials(username, password, sslRootCert)
 * </pre>
 *
 * <p>Key decisions: rotation is followed by a watch per named secret, not a
 * TTL or a re-read on SQLSTATE 28P01, so a rotated password is in use at the
 * next connection, a resolve costs no API call, and the libpq tools (which
 * cannot be retried transparently) get the current password too. The requests
 * are {@code get} and {@code watch} with the secret's name, never {@code list}:
 * RBAC grants the named secrets only. The module is separate from service-kit
 * so that only access-service and backup-service carry the Kubernetes client;
 * the client is taken on the first {@code k8s:} reference, so a service with
 * {@code file:} references needs no Kubernetes configuration.
 */
package io.nais.pg.kit.clusters.kubernetes;
