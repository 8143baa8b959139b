/**
 * Cluster discovery: sources report the clusters that exist; the clusters
 * topic converges to that.
 *
 * <pre>
 *   source (file now, Kubernetes informer later)
 *     → full list of DesiredCluster
 *     → ClusterSync.sync(source, desired)          one transaction:
 *         lock the source (advisory lock: replicas emit once)
 *         known   = discovered_cluster rows of the source
 *         changes = ClusterDiff.between(known, desired)   (pure)
 *         apply changes to discovered_cluster
 *         Outbox.publish(ClusterDiscovered | ClusterUpdated | ClusterRemoved)
 * </pre>
 *
 * <p>Key decisions: events are emitted only for differences against the
 * projection, never per read, so restarts and re-reads are silent. Each
 * source owns the clusters it reported, so one source's list never removes
 * another's clusters. A source that cannot read its input skips the round
 * instead of reporting an empty list.
 */
package io.nais.pg.console.discovery;
