/**
 * The Kubernetes source of clusters: Zalando {@code postgresql} resources
 * (acid.zalan.do/v1) and CloudNativePG {@code Cluster} resources
 * (postgresql.cnpg.io/v1) in every namespace, through a fabric8 informer per
 * kind ({@link io.nais.pg.console.kubernetes.ClusterOperator}), synced as one
 * source so cluster-id claims are settled across the kinds.
 *
 * <pre>
 *   informer cache ─(add/update/delete, debounced 50 ms)→ ZalandoPostgresql / CloudNativePgCluster .toCluster (pure)
 *     → discovery.ClusterSync.sync("kubernetes", every cluster in the cache)
 *     → diff against discovered_cluster → ClusterDiscovered/Updated/Removed via the outbox
 * </pre>
 *
 * <p>Key decisions: the source never emits itself, it hands the whole cache
 * to the shared core, so restarts and periodic resyncs are silent unless
 * something really changed. No sync before the informer's initial list (an
 * empty cache is not "all clusters removed"). The admin secret is named as a
 * {@code k8s:} reference to the operator's secret and never read here; a
 * resource without any database is skipped until it has one. Needs RBAC
 * {@code get/list/watch} on {@code postgresqls.acid.zalan.do} and
 * {@code clusters.postgresql.cnpg.io} cluster-wide.
 */
package io.nais.pg.console.kubernetes;
