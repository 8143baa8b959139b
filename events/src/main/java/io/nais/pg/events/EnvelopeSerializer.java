package io.nais.pg.events;

import org.apache.kafka.common.serialization.Serializer;

/** Kafka value serializer for SmallRye channels: {@link EventCodec#encode}. */
public class EnvelopeSerializer implements Serializer<Envelope<?>> {

    @Override
    public byte[] serialize(String topic, Envelope<?> envelope) {
        return envelope == null ? null : EventCodec.encode(envelope);
    }
}
