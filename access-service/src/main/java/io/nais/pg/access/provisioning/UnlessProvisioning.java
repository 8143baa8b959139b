package io.nais.pg.access.provisioning;

import io.nais.pg.access.AccessMode;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Skips provisioning's scheduled jobs in a process that does not provision (the gateway): the job's
 * bean is then never even created, so nothing reaches for the admin credentials from there.
 */
@Singleton
public class UnlessProvisioning implements Scheduled.SkipPredicate {

    private final boolean provisions;

    UnlessProvisioning(@ConfigProperty(name = "nais.access.mode") AccessMode mode) {
        this.provisions = mode.provisions();
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return !provisions;
    }
}
