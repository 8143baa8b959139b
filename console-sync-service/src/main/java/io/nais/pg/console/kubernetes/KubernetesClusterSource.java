package io.nais.pg.console.kubernetes;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.nais.pg.console.discovery.ClusterChange;
import io.nais.pg.console.discovery.ClusterSync;
import io.nais.pg.console.discovery.DesiredCluster;
import io.nais.pg.console.discovery.RefusedClaim;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The Kubernetes source of clusters: an informer per operator
 * ({@link ClusterOperator}: Zalando {@code postgresql}, CloudNativePG
 * {@code Cluster}) in every namespace. Any change marks the view dirty; after a
 * short debounce every informer's whole cache is handed to {@link ClusterSync}
 * as one source, whose
 * diff against the projection decides what to emit. So a restart, a resync or
 * a burst of changes emits only real differences, once.
 *
 * <p>The owning team is the resource's namespace, for both kinds; a resource
 * naming another team in {@code spec.teamId}, or claiming a cluster id another
 * resource of either kind holds, is refused and reported
 * ({@link ZalandoPostgresql#refusal}, {@link io.nais.pg.console.discovery.ClusterClaims}).
 *
 * <p>Nothing is synced before every informer's initial list completed: an empty
 * cache at start-up must never read as "every cluster was removed".
 */
@ApplicationScoped
public class KubernetesClusterSource {

    static final String SOURCE = "kubernetes";

    private static final Logger LOG = Logger.getLogger(KubernetesClusterSource.class);

    private final KubernetesClient client;
    private final ClusterSync sync;
    private final KubernetesConfig config;
    private final AtomicBoolean syncScheduled = new AtomicBoolean();

    private ScheduledExecutorService syncer;
    private final Map<ClusterOperator, SharedIndexInformer<GenericKubernetesResource>> informers =
            new EnumMap<>(ClusterOperator.class);

    KubernetesClusterSource(KubernetesClient client, ClusterSync sync, KubernetesConfig config) {
        this.client = client;
        this.sync = sync;
        this.config = config;
    }

    void onStart(@Observes StartupEvent start) {
        if (config.enabled()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent stop) {
        stop();
    }

    /** Starts an informer per operator; their initial lists trigger the first sync. */
    public synchronized void start() {
        syncer = Executors.newSingleThreadScheduledExecutor(runnable -> new Thread(runnable, "kubernetes-cluster-sync"));
        for (ClusterOperator operator : config.operators()) {
            SharedIndexInformer<GenericKubernetesResource> informer = client
                    .genericKubernetesResources(operator.context()).inAnyNamespace()
                    .runnableInformer(config.resync().toMillis());
            informer.addEventHandler(new ChangeHandler());
            informers.put(operator, informer);
            String kind = operator.context().getPlural() + "." + operator.context().getGroup();
            informer.start().whenComplete((started, failure) -> {
                if (failure != null) {
                    LOG.errorf("cannot list %s, so nothing is synced: is its CRD installed and may we list it? "
                            + "(nais.console.kubernetes.operators, RBAC): %s", kind, failure.toString());
                }
            });
            LOG.infof("watching %s resources in all namespaces", kind);
        }
    }

    public synchronized void stop() {
        informers.values().forEach(SharedIndexInformer::stop);
        informers.clear();
        if (syncer != null) {
            syncer.shutdownNow();
            syncer = null;
        }
        syncScheduled.set(false);
    }

    /**
     * Syncs every informer's current view now, as one source, so cluster-id claims are settled across the
     * kinds; for tests and the restart proof. Empty before every initial list.
     */
    public synchronized List<ClusterChange> syncNow() {
        if (!hasSynced()) {
            return List.of();
        }
        List<DesiredCluster> desired = new ArrayList<>();
        List<RefusedClaim> refused = new ArrayList<>();
        informers.forEach((operator, informer) -> {
            for (GenericKubernetesResource resource : informer.getStore().list()) {
                try {
                    operator.refusal(resource, config).ifPresentOrElse(refused::add,
                            () -> operator.toCluster(resource, config).ifPresent(desired::add));
                } catch (IllegalArgumentException e) {
                    // a team's resource names something no cluster event may carry (e.g. a secret name that is
                    // not a Kubernetes name): skip it, so one bad resource never stops discovery for everyone
                    LOG.warnf("skipping %s %s/%s: %s", operator.context().getKind(),
                            resource.getMetadata().getNamespace(), resource.getMetadata().getName(), e.getMessage());
                }
            }
        });
        return sync.sync(SOURCE, desired, refused);
    }

    /** Whether every informer's initial list has completed (before that, {@link #syncNow} does nothing). */
    public synchronized boolean hasSynced() {
        return !informers.isEmpty() && informers.values().stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /** Coalesces changes: at most one sync is pending at a time. */
    private void requestSync(long delayMillis) {
        ScheduledExecutorService executor = syncer;
        if (executor != null && syncScheduled.compareAndSet(false, true)) {
            executor.schedule(this::runScheduledSync, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void runScheduledSync() {
        syncScheduled.set(false);
        if (syncer == null) {
            return;
        }
        if (!hasSynced()) {
            requestSync(config.debounce().toMillis());
            return;
        }
        try {
            List<ClusterChange> changes = syncNow();
            LOG.debugf("kubernetes sync: %d change(s)", changes.size());
        } catch (RuntimeException e) {
            // the database may be briefly away; the cache is still there, so try again
            LOG.warnf("kubernetes sync failed, retrying in 1s: %s", e.toString());
            requestSync(1000);
        }
    }

    private final class ChangeHandler implements ResourceEventHandler<GenericKubernetesResource> {
        @Override
        public void onAdd(GenericKubernetesResource resource) {
            requestSync(config.debounce().toMillis());
        }

        @Override
        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            requestSync(config.debounce().toMillis());
        }

        @Override
        public void onDelete(GenericKubernetesResource resource, boolean finalStateUnknown) {
            requestSync(config.debounce().toMillis());
        }
    }
}
