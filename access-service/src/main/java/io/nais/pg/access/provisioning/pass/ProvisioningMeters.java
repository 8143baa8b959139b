package io.nais.pg.access.provisioning.pass;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.nais.pg.access.AccessMode;
import io.nais.pg.access.provisioning.model.ReconcileResult;
import io.nais.pg.kit.metrics.DatabaseGauge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;

/**
 * What an operator reads about provisioning (docs/operations.md, "Metrics"; alerts in deploy/base/alerts.yaml):
 * <ul>
 *   <li>{@code nais_provisioning_clusters_failing}: live clusters whose last pass failed and that wait for a
 *       retry;</li>
 *   <li>{@code nais_provisioning_oldest_mark_age_seconds}: how long the oldest person marked dirty has waited
 *       for a pass, so "provisioning is behind" is one number;</li>
 *   <li>{@code nais_provisioning_pass_duration_seconds{outcome}}: passes that did work, ok or failed;</li>
 *   <li>{@code nais_provisioning_roles_total{result}}: roles created, altered, dropped or deactivated.</li>
 * </ul>
 * The gauges are read from the reconcile queue at scrape time ({@link DatabaseGauge}). No label names a cluster
 * or a person.
 */
@ApplicationScoped
class ProvisioningMeters {

    static final String FAILING_CLUSTERS = "nais.provisioning.clusters.failing";
    static final String OLDEST_MARK_AGE = "nais.provisioning.oldest.mark.age.seconds";
    static final String PASS_DURATION = "nais.provisioning.pass.duration";
    static final String ROLES = "nais.provisioning.roles";

    private final ReconcileQueue queue;
    private final MeterRegistry meters;
    private final AccessMode mode;
    private final Map<ReconcileResult, Counter> roles = new EnumMap<>(ReconcileResult.class);
    private final Timer passOk;
    private final Timer passFailed;

    /** The pass and role meters exist from the start, whichever StartupEvent observer runs first. */
    ProvisioningMeters(ReconcileQueue queue, MeterRegistry meters,
                       @ConfigProperty(name = "nais.access.mode") AccessMode mode) {
        this.queue = queue;
        this.meters = meters;
        this.mode = mode;
        passOk = passTimer("ok");
        passFailed = passTimer("failed");
        roles.put(ReconcileResult.CREATED, roleCounter("created"));
        roles.put(ReconcileResult.PATCHED, roleCounter("altered"));
        roles.put(ReconcileResult.DELETED, roleCounter("dropped"));
        roles.put(ReconcileResult.DEACTIVATED, roleCounter("deactivated"));
    }

    /** Only where provisioning runs: the gateway's read-only login may not read the reconcile queue. */
    void register(@Observes StartupEvent startup) {
        if (!mode.provisions()) {
            return;
        }
        DatabaseGauge.register(meters, FAILING_CLUSTERS, Tags.empty(),
                "clusters whose last reconcile pass failed (retrying with backoff)", queue::failingClusters);
        DatabaseGauge.register(meters, OLDEST_MARK_AGE, Tags.empty(),
                "age of the oldest person waiting for a pass on a live cluster (0: none)", queue::oldestMarkAgeSeconds);
    }

    /** Times one pass from now; the pass reports how it ended. */
    PassTimer startPass() {
        return new PassTimer(Timer.start(meters));
    }

    /** One running pass: recorded under its outcome when it ends. */
    final class PassTimer {

        private final Timer.Sample sample;

        private PassTimer(Timer.Sample sample) {
            this.sample = sample;
        }

        void succeeded() {
            sample.stop(passOk);
        }

        void failed() {
            sample.stop(passFailed);
        }
    }

    /** The roles a committed pass changed, by result. */
    void changed(Map<ReconcileResult, Integer> changes) {
        changes.forEach((result, count) -> {
            Counter counter = roles.get(result);
            if (counter != null) {
                counter.increment(count);
            }
        });
    }

    private Timer passTimer(String outcome) {
        return Timer.builder(PASS_DURATION).tag("outcome", outcome)
                .serviceLevelObjectives(Duration.ofMillis(50), Duration.ofMillis(250), Duration.ofSeconds(1),
                        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2))
                .description("reconcile passes of one cluster that claimed work").register(meters);
    }

    private Counter roleCounter(String result) {
        return Counter.builder(ROLES).tag("result", result)
                .description("human roles changed by committed passes").register(meters);
    }
}
