package io.nais.pg.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * What every event carries besides its data: a unique id (consumers dedupe on
 * it), when it happened, which service produced it, and the correlation id
 * shared by every event that one cause set off.
 */
public record EventMetadata(UUID id, Instant time, String producer, String correlationId) {

    public EventMetadata {
        Require.present(id, "EventMetadata.id");
        Require.present(time, "EventMetadata.time");
        Require.text(producer, "EventMetadata.producer");
        Require.text(correlationId, "EventMetadata.correlationId");
    }

    /** Metadata for an event that starts a correlation: its own id is the correlation id. */
    public static EventMetadata start(String producer) {
        UUID id = UUID.randomUUID();
        return new EventMetadata(id, now(), producer, id.toString());
    }

    /** Metadata for an event caused by this one: new id and time, same correlation. */
    public EventMetadata follow(String producer) {
        return new EventMetadata(UUID.randomUUID(), now(), producer, correlationId);
    }

    // Microseconds: the precision PostgreSQL keeps, so an outbox or inbox row round-trips equal.
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
