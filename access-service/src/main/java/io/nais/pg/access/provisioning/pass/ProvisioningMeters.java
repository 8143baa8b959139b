package io.nais.pg.access.provisioning.pass;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.nais.pg.access.AccessMode;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * {@code nais_provisioning_clusters_failing}: live clusters whose last reconcile pass failed and that wait for
 * a retry (alert NaisPgProvisioningFailing, deploy/base/alerts.yaml). Read from the reconcile queue at scrape
 * time, so every replica reports the same number and a restart loses nothing; NaN while the database cannot
 * answer (the scrape still succeeds, and the datasource's readiness check reports the database).
 */
@ApplicationScoped
class ProvisioningMeters {

    static final String FAILING_CLUSTERS = "nais.provisioning.clusters.failing";
    private static final Logger LOG = Logger.getLogger(ProvisioningMeters.class);

    private final ReconcileQueue queue;
    private final MeterRegistry meters;
    private final AccessMode mode;

    ProvisioningMeters(ReconcileQueue queue, MeterRegistry meters,
                       @ConfigProperty(name = "nais.access.mode") AccessMode mode) {
        this.queue = queue;
        this.meters = meters;
        this.mode = mode;
    }

    /** Only where provisioning runs: the gateway's read-only login may not read the reconcile queue. */
    void register(@Observes StartupEvent startup) {
        if (!mode.provisions()) {
            return;
        }
        Gauge.builder(FAILING_CLUSTERS, this, ProvisioningMeters::failingClustersOrNaN)
                .description("clusters whose last reconcile pass failed (retrying with backoff)").register(meters);
    }

    private double failingClustersOrNaN() {
        try {
            return queue.failingClusters();
        } catch (RuntimeException e) {
            LOG.debugf("failing clusters not counted: %s", e.getMessage());
            return Double.NaN;
        }
    }
}
