package io.nais.pg.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KafkaSerdeTest {

    private final EnvelopeSerializer serializer = new EnvelopeSerializer();
    private final EnvelopeDeserializer deserializer = new EnvelopeDeserializer();

    @Test
    void recordValueRoundTripsThroughTheSerializerPair() {
        Envelope<?> envelope = Envelope.of("backup-service", EventFixtures.backupCompleted());

        byte[] value = serializer.serialize(Topics.BACKUPS, envelope);

        assertThat(value).isEqualTo(EventCodec.encode(envelope));
        assertThat(deserializer.deserialize(Topics.BACKUPS, value)).isEqualTo(envelope);
    }

    @Test
    void tombstoneStaysNull() {
        assertThat(serializer.serialize(Topics.CLUSTERS, null)).isNull();
        assertThat(deserializer.deserialize(Topics.CLUSTERS, null)).isNull();
    }

    @Test
    void poisonRecordThrowsInvalidEvent() {
        assertThatThrownBy(() -> deserializer.deserialize(Topics.CLUSTERS, "nope".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class);
    }
}
