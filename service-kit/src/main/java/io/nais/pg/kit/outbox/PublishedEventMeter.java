package io.nais.pg.kit.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code nais_events_published_total{type}}: the events a service committed to its outbox, by type. Operators
 * alert on the facts the services announce (BackupFailed, BackupOverdue, ...) without a meter per fact: the
 * event is the one record of the outcome, and this counts it. Counted after the commit only, so a rolled-back
 * transaction counts nothing.
 */
@ApplicationScoped
class PublishedEventMeter {

    static final String NAME = "nais.events.published";

    private final MeterRegistry meters;

    PublishedEventMeter(MeterRegistry meters) {
        this.meters = meters;
    }

    void onCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) OutboxWritten written) {
        for (String type : written.eventTypes()) {
            counter(type).increment();
        }
    }

    private Counter counter(String type) {
        return Counter.builder(NAME).tag("type", type)
                .description("events committed to the outbox, by type").register(meters);
    }
}
