package io.nais.pg.dbagrant.expiry;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.nais.pg.dbagrant.DbaGrantConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The durable timer: the grants in the database are the timers, this only
 * wakes up to fire the due ones. It runs at start-up (a grant whose expiry
 * passed while the service was down expires at once) and then every
 * {@code nais.dba-grant.expiry.interval}. Any number of replicas may run it:
 * claims skip rows another one holds.
 */
@ApplicationScoped
public class ExpiryTimer {

    private static final Logger LOG = Logger.getLogger(ExpiryTimer.class);

    private final ExpiryRun run;
    private final DbaGrantConfig config;
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> ticking;

    ExpiryTimer(ExpiryRun run, DbaGrantConfig config) {
        this.run = run;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.expiry().enabled()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Fires every due grant now, then keeps firing at the configured interval. */
    public synchronized void start() {
        if (ticking != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "dba-grant-expiry");
            thread.setDaemon(true);
            return thread;
        });
        long interval = config.expiry().interval().toMillis();
        ticking = executor.scheduleWithFixedDelay(this::tick, 0, interval, TimeUnit.MILLISECONDS);
    }

    /** Stops firing (shutdown; tests that simulate downtime). Due grants wait in the database. */
    public synchronized void stop() {
        if (ticking == null) {
            return;
        }
        ticking.cancel(false);
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ticking = null;
        executor = null;
    }

    public synchronized boolean isRunning() {
        return ticking != null;
    }

    /** Drains everything due: a full batch means there may be more, so claim again at once. */
    private void tick() {
        try {
            int batch = config.expiry().batchSize();
            Instant now = Instant.now();
            while (run.expireDueGrants(now, batch).size() == batch) {
                now = Instant.now();
            }
            while (run.closeStaleRequests(Instant.now(), batch).size() == batch) {
                // more stale requests than one batch: keep going
            }
        } catch (RuntimeException e) {
            // the grants stay due in the database; the next tick retries them
            LOG.warn("expiry run failed; retrying at the next tick", e);
        }
    }
}
