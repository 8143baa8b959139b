/**
 * Which clusters to back up, learned from the clusters topic
 * (ClusterDiscovered/Updated/Removed) into {@code backup_cluster}. Newest event
 * wins (envelope time, then id); a removed cluster stays as a tombstone.
 */
package io.nais.pg.backup.clusters;
