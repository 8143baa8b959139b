package io.nais.pg.kit.outbox;

import java.util.List;

/**
 * CDI event fired by {@link Outbox#publish} inside the caller's transaction, naming the types of the events
 * written; after a successful commit the relay wakes up at once and {@link PublishedEventMeter} counts them.
 */
public record OutboxWritten(List<String> eventTypes) {

    public OutboxWritten {
        eventTypes = List.copyOf(eventTypes);
    }
}
