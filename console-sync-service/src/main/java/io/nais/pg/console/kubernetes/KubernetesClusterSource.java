package io.nais.pg.console.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The Kubernetes source of clusters: an informer on Zalando {@code postgresql}
 * resources in every namespace. Any change marks the view dirty; after a short
 * debounce the informer's whole cache is handed to {@link ClusterSync}, whose
 * diff against the projection decides what to emit. So a restart, a resync or
 * a burst of changes emits only real differences, once.
 *
 * <p>The owning team is the resource's namespace; a resource naming another
 * team in {@code spec.teamId}, or claiming a cluster id another resource holds,
 * is refused and reported ({@link ZalandoPostgresql#refusal},
 * {@link io.nais.pg.console.discovery.ClusterClaims}).
 *
 * <p>Nothing is synced before the informer's initial list completed: an empty
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
    private SharedIndexInformer<GenericKubernetesResource> informer;

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

    /** Starts the informer; its initial list triggers the first sync. */
    public synchronized void start() {
        syncer = Executors.newSingleThreadScheduledExecutor(runnable -> new Thread(runnable, "kubernetes-cluster-sync"));
        informer = client.genericKubernetesResources(ZalandoPostgresql.CONTEXT)
                .inAnyNamespace()
                .inform(new ChangeHandler(), config.resync().toMillis());
        LOG.info("watching postgresql.acid.zalan.do resources in all namespaces");
    }

    public synchronized void stop() {
        if (informer != null) {
            informer.stop();
            informer = null;
        }
        if (syncer != null) {
            syncer.shutdownNow();
            syncer = null;
        }
        syncScheduled.set(false);
    }

    /** Syncs the informer's current view now; for tests and the restart proof. Empty before the initial list. */
    public synchronized List<ClusterChange> syncNow() {
        if (informer == null || !informer.hasSynced()) {
            return List.of();
        }
        List<DesiredCluster> desired = new ArrayList<>();
        List<RefusedClaim> refused = new ArrayList<>();
        for (GenericKubernetesResource resource : informer.getStore().list()) {
            ZalandoPostgresql.refusal(namespace(resource), resource.getMetadata().getName(),
                            resource.getMetadata().getLabels(), spec(resource), config)
                    .ifPresentOrElse(refused::add, () -> toCluster(resource).ifPresent(desired::add));
        }
        return sync.sync(SOURCE, desired, refused);
    }

    /** Whether the informer's initial list has completed (before that, {@link #syncNow} does nothing). */
    public synchronized boolean hasSynced() {
        return informer != null && informer.hasSynced();
    }

    private Optional<DesiredCluster> toCluster(GenericKubernetesResource resource) {
        return ZalandoPostgresql.toCluster(namespace(resource), resource.getMetadata().getName(),
                resource.getMetadata().getLabels(), spec(resource), status(resource), config);
    }

    private static String namespace(GenericKubernetesResource resource) {
        return resource.getMetadata().getNamespace();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("status");
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
        SharedIndexInformer<GenericKubernetesResource> current = informer;
        if (current == null) {
            return;
        }
        if (!current.hasSynced()) {
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
