package io.nais.pg.events;

import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka value deserializer for SmallRye channels: {@link EventCodec#decode}.
 * A tombstone (null value) stays null; anything else that is not a valid event
 * throws {@link InvalidEventException}, which the channel's failure handling
 * turns into a dead-letter record.
 */
public class EnvelopeDeserializer implements Deserializer<Envelope<?>> {

    @Override
    public Envelope<?> deserialize(String topic, byte[] data) {
        return data == null ? null : EventCodec.decode(data);
    }
}
