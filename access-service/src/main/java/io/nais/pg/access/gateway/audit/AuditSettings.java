package io.nais.pg.access.gateway.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Statement audit, loaded ({@code nais.access.gateway.audit.*} through
 * {@code GatewayConfig} and {@code ConfiguredGateway}, in production and in the gateway tests alike;
 * the batcher's unit tests build it directly).
 *
 * @param enabled           the default for every cluster
 * @param clusters          per-cluster override, by cluster id ({@code team-a/demo-app=false})
 * @param maxStatementBytes longer statement text is cut here (UTF-8 bytes) and flagged {@code truncated}
 * @param queueCapacity     statements waiting for the audit thread; beyond this they are dropped and counted
 * @param batchSize         most statements sent (or spooled) in one go
 * @param drainInterval     the audit thread's tick: how long it sleeps between rounds that did not fill a batch
 * @param linger            how long the producer gathers records into one request (Kafka's {@code linger.ms})
 * @param spoolDirectory    where events wait while Kafka is unavailable
 * @param spoolMaxBytes     the spool's size limit
 * @param spoolSegmentBytes size at which a spool file is closed and a new one begun
 * @param fullPolicy        what happens when the spool is full
 * @param retryInterval     how often Kafka is tried again during an outage
 * @param ackTimeout        how long a send may wait for the broker before the batch goes to the spool
 * @param producerConfig    the service's Kafka producer settings
 */
public record AuditSettings(boolean enabled, Map<String, Boolean> clusters, int maxStatementBytes, int queueCapacity,
                            int batchSize, Duration drainInterval, Duration linger, Path spoolDirectory, long spoolMaxBytes, long spoolSegmentBytes,
                            FullSpoolPolicy fullPolicy, Duration retryInterval, Duration ackTimeout,
                            Map<String, Object> producerConfig) {

    public AuditSettings {
        clusters = Map.copyOf(clusters);
        if (drainInterval.isNegative() || drainInterval.isZero()) {
            throw new IllegalArgumentException("drainInterval must be positive");
        }
        producerConfig = Map.copyOf(producerConfig);
    }

    /** Whether statements on this cluster are audited: its override, else the default. */
    public boolean enabledFor(String clusterId) {
        return clusters.getOrDefault(clusterId, enabled);
    }
}
