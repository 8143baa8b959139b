package io.nais.pg.access.provisioning.intake;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.nais.pg.kit.logging.LogContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.nais.pg.access.AccessMode;
import io.nais.pg.access.provisioning.UnlessProvisioning;
import io.nais.pg.access.directory.DbaGrantProjection;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Defence in depth: ends grants at their expiresAt without waiting for
 * GrantExpired (lost, late, or dba-grant-service down). The deadline lives in
 * the projection, so the first run after a start-up ends whatever passed while
 * access-service was down.
 *
 * <p>A dedicated timer is armed for the earliest active deadline (re-armed
 * after each run, and earlier when a grant with a sooner expiresAt is
 * recorded), because Quarkus' scheduler cannot tick faster than once a second
 * and a tick would make every grant up to a second late. The 1 s sweep stays
 * as the safety net for deadlines this replica was not told about (another
 * replica recorded the grant). Every grant due at a run ends in one
 * transaction and each cluster gets one pass for all of them.
 */
@ApplicationScoped
public class GrantDeadlines {

    private static final Logger LOG = Logger.getLogger(GrantDeadlines.class);
    /** Runs at most this often, so a second packed with deadlines ends in a few batches, not one per grant. */
    private static final Duration MIN_GAP = Duration.ofMillis(10);

    private final DbaGrantProjection grants;
    private final GrantChanges changes;
    private final AccessMode mode;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "grant-deadlines");
        thread.setDaemon(true);
        return thread;
    });
    /* guarded by this: the armed run and the deadline it is for */
    private ScheduledFuture<?> armed;
    private Instant armedFor;

    GrantDeadlines(DbaGrantProjection grants, GrantChanges changes,
                   @ConfigProperty(name = "nais.access.mode") AccessMode mode) {
        this.grants = grants;
        this.changes = changes;
        this.mode = mode;
    }

    /** The gateway's process observes this too, but ends no grant: only provisioning writes. */
    void start(@Observes StartupEvent startup) {
        if (!mode.provisions()) {
            return;
        }
        timer.execute(this::run);
    }

    @Scheduled(every = "${nais.access.grants.deadline-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = UnlessProvisioning.class)
    void sweep() {
        timer.execute(this::run);
    }

    /** A grant with this expiresAt was recorded (after its commit): make sure the timer fires by then. */
    public void deadlineAt(Instant expiresAt) {
        arm(expiresAt, false);
    }

    private void run() {
        try {
            endDueGrants();
            grants.nextDeadline().ifPresent(next -> arm(next, true));
        } catch (RuntimeException e) {
            LOG.errorf(e, "ending due grants failed; the sweep tries again");
        }
    }

    private void endDueGrants() {
        List<DbaGrantProjection.Ended> ended = QuarkusTransaction.requiringNew().call(() -> {
            List<DbaGrantProjection.Ended> due = grants.endDue(Instant.now());
            changes.endedAll(due);
            return due;
        });
        for (DbaGrantProjection.Ended grant : ended) {
            try (LogContext log = LogContext.open().cluster(grant.clusterId()).grant(grant.grantId())) {
                LOG.infof("grant %s reached its expiresAt; ended superuser of %s", grant.grantId(), grant.email());
            }
        }
    }

    /** @param replace re-arm even for a later deadline (after a run, the armed one may have fired) */
    private synchronized void arm(Instant deadline, boolean replace) {
        if (!replace && armed != null && !armed.isDone() && !deadline.isBefore(armedFor)) {
            return;
        }
        if (armed != null) {
            armed.cancel(false);
        }
        long delay = Math.max(Duration.between(Instant.now(), deadline).toMillis(), MIN_GAP.toMillis());
        armedFor = deadline;
        armed = timer.schedule(this::run, delay, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
