package io.nais.pg.access.provisioning.pass;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.nais.pg.access.provisioning.ProvisioningConfig;
import io.nais.pg.access.provisioning.UnlessProvisioning;

/**
 * Runs cluster passes: at most one at a time per cluster, up to
 * {@code parallelism} clusters at once, so a slow or unreachable cluster only
 * ever holds up its own thread. Woken right after a consumer commits (the
 * sub-second path); a sweep picks up due retries and lost wake-ups; a periodic
 * full resync heals drift.
 */
@ApplicationScoped
public class ProvisioningScheduler {

    private static final Logger LOG = Logger.getLogger(ProvisioningScheduler.class);

    private final ClusterProvisioner provisioner;
    private final ReconcileQueue queue;
    private final AdminSessions sessions;
    private final ExecutorService workers;
    /** Per cluster: 0 idle, 1 running, 2 running and woken again meanwhile. */
    private final ConcurrentHashMap<String, AtomicInteger> states = new ConcurrentHashMap<>();

    ProvisioningScheduler(ClusterProvisioner provisioner, ReconcileQueue queue, AdminSessions sessions,
                          ProvisioningConfig config) {
        this.provisioner = provisioner;
        this.sessions = sessions;
        this.queue = queue;
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(config.parallelism(), runnable -> {
            Thread thread = new Thread(runnable, "provisioning-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public void wake(Collection<String> clusterIds) {
        clusterIds.forEach(this::wake);
    }

    public void wake(String clusterId) {
        AtomicInteger state = states.computeIfAbsent(clusterId, id -> new AtomicInteger());
        if (state.getAndUpdate(s -> Math.min(s + 1, 2)) == 0) {
            workers.execute(() -> run(clusterId, state));
        }
    }

    /**
     * One pass per wake-up: marks committed while a pass runs come with a wake-up of their own (consumers wake
     * after their commit), which sets the state to 2 and so brings one more pass. Looping until a pass finds
     * nothing, as this once did, cost every run a transaction that claimed nothing (half of all claims in a
     * team sync); a pass that finds its cluster held by another replica or in backoff is left to the sweep.
     */
    private void run(String clusterId, AtomicInteger state) {
        do {
            state.set(1);
            try {
                provisioner.reconcile(clusterId);
            } catch (RuntimeException e) {
                LOG.errorf(e, "pass over cluster %s failed", clusterId);
            }
        } while (!state.compareAndSet(1, 0));
    }

    @Scheduled(every = "${nais.access.provisioning.sweep-interval:PT2S}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = UnlessProvisioning.class)
    void sweep() {
        wake(queue.due());
        sessions.closeIdle();
    }

    @Scheduled(every = "${nais.access.provisioning.resync-interval:PT10M}",
            delayed = "${nais.access.provisioning.resync-delay:PT30S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = UnlessProvisioning.class)
    void resync() {
        wake(queue.markAllForResync());
    }

    /** No pass runs or is due for the cluster: its run has ended (what tests wait for before counting passes). */
    boolean isIdle(String clusterId) {
        AtomicInteger state = states.get(clusterId);
        return state == null || state.get() == 0;
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
