package io.nais.pg.dbagrant.expiry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.nais.pg.dbagrant.model.Grant;
import io.nais.pg.dbagrant.model.GrantState;
import io.nais.pg.dbagrant.request.GrantStore;
import io.nais.pg.kit.metrics.DatabaseGauge;
import io.quarkus.runtime.StartupEvent;

/**
 * Whether grants end on time, for an operator (docs/operations.md, "Metrics"; alert NaisPgGrantExpiryLate):
 * <ul>
 *   <li>{@code nais_dba_grants{state="pending"|"active"}}: requests waiting for a decision, grants in force;</li>
 *   <li>{@code nais_dba_grant_overdue_seconds}: how far the most overdue grant is past its expiry, still in
 *       force; it grows even when no timer runs at all, which a lateness histogram could not show;</li>
 *   <li>{@code nais_dba_grant_expiry_lateness_seconds}: for each grant expired, how long after its
 *       {@code expiresAt} that was (the timer's interval, normally).</li>
 * </ul>
 * The gauges are read from the database at scrape time ({@link DatabaseGauge}). No label names a person, a team
 * or a cluster.
 */
@ApplicationScoped
public class GrantMeters {

    static final String GRANTS = "nais.dba.grants";
    static final String OVERDUE = "nais.dba.grant.overdue.seconds";
    static final String LATENESS = "nais.dba.grant.expiry.lateness";

    private final GrantStore grants;
    private final MeterRegistry meters;
    private final Timer lateness;

    GrantMeters(GrantStore grants, MeterRegistry meters) {
        this.grants = grants;
        this.meters = meters;
        this.lateness = Timer.builder(LATENESS)
                .serviceLevelObjectives(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15),
                        Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5))
                .description("how long after its expiresAt each grant was expired").register(meters);
    }

    void register(@Observes StartupEvent startup) {
        String counted = "DBA grants: pending a decision, active (in force)";
        DatabaseGauge.register(meters, GRANTS, Tags.of("state", "pending"), counted,
                () -> grants.count(GrantState.REQUESTED));
        DatabaseGauge.register(meters, GRANTS, Tags.of("state", "active"), counted,
                () -> grants.count(GrantState.GRANTED));
        DatabaseGauge.register(meters, OVERDUE, Tags.empty(),
                "seconds the most overdue grant still in force is past its expiry (0: none)",
                () -> grants.overdueSeconds(Instant.now()));
    }

    /** The grants a committed expiry run ended at {@code now}. */
    void expired(List<Grant> expired, Instant now) {
        for (Grant grant : expired) {
            lateness.record(Duration.between(grant.expiresAt(), now));
        }
    }
}
