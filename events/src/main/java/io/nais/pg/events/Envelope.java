package io.nais.pg.events;

/**
 * One event as it travels: metadata plus data. Encoded by {@link EventCodec} as
 * a CloudEvents 1.0 structured JSON document, one per Kafka record value.
 */
public record Envelope<E extends PlatformEvent>(EventMetadata metadata, E data) {

    public Envelope {
        Require.present(metadata, "Envelope.metadata");
        Require.present(data, "Envelope.data");
    }

    /** A new event that starts a correlation. */
    public static <E extends PlatformEvent> Envelope<E> of(String producer, E data) {
        return new Envelope<>(EventMetadata.start(producer), data);
    }

    /** An event caused by this one: a new id, the same correlation id. */
    public <F extends PlatformEvent> Envelope<F> follow(String producer, F data) {
        return new Envelope<>(metadata.follow(producer), data);
    }

    /** The Kafka record key: the aggregate id of the data. */
    public String key() {
        return data.aggregateId();
    }

    /** The CloudEvents type, e.g. {@code nais.pg.TeamMemberAdded.v1}. */
    public String type() {
        return eventType().name();
    }

    public EventTopic topic() {
        return eventType().topic();
    }

    public EventType eventType() {
        return EventTypes.of(data);
    }
}
