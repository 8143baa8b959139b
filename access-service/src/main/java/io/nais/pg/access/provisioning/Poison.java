package io.nais.pg.access.provisioning;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.InvalidEventException;

/**
 * The channels do not fail on a record they cannot deserialize (the kit's
 * convention); it arrives without a value and is refused here, so the channel's
 * failure strategy sends it to {@code <topic>.dlq} and consumption goes on.
 */
final class Poison {

    private Poison() {
    }

    static Envelope<?> require(ConsumerRecord<String, Envelope<?>> record) {
        if (record.value() == null) {
            throw refusal(record.topic(), record.offset());
        }
        return record.value();
    }

    /** The reason a record without a decodable value is dead-lettered. */
    static InvalidEventException refusal(String topic, long offset) {
        return new InvalidEventException(null, "", "record on " + topic + " at offset " + offset
                + " is not a valid event");
    }
}
