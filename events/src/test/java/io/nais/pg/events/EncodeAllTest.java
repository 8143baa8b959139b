package io.nais.pg.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@link EventCodec#encodeAll}: the batch path the gateway's statement audit uses. */
class EncodeAllTest {

    @Test
    void everyEnvelopeEncodesToTheSameBytesAsEncodeWhetherSchemaCheckedOrWrittenDirectly() {
        List<Envelope<?>> envelopes = new ArrayList<>();
        EventFixtures.all().forEach(event -> envelopes.add(Envelope.of("access-service", event)));
        // the first of these takes the schema path, the rest the direct one
        envelopes.addAll(statements("same-bytes@example.com", 50));

        List<byte[]> encoded = EventCodec.encodeAll(envelopes);

        assertThat(encoded).hasSameSizeAs(envelopes);
        for (int i = 0; i < envelopes.size(); i++) {
            assertThat(encoded.get(i)).as("envelope %d", i).isEqualTo(EventCodec.encode(envelopes.get(i)));
        }
    }

    @Test
    void aBatchDecodesBackEqualInOrder() {
        List<Envelope<StatementExecuted>> envelopes = statements("round-trip@example.com", 200);

        List<Envelope<?>> decoded = EventCodec.encodeAll(envelopes).stream().<Envelope<?>>map(EventCodec::decode)
                .toList();

        assertThat(decoded).containsExactlyElementsOf(envelopes);
    }

    @Test
    void aStatementWithAnInvalidEmailIsRejectedEvenAfterValidOnesOfTheSameCluster() {
        EventCodec.encodeAll(statements("valid@example.com", 3));

        assertThatThrownBy(() -> EventCodec.encodeAll(statements("not an email", 1)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("/data/email");
    }

    @Test
    void aStatementWithAnInstantOutsideRfc3339IsRejectedEvenWhenItsPersonIsTrusted() {
        EventCodec.encodeAll(statements("far-future@example.com", 3));
        Envelope<StatementExecuted> farFuture = Envelope.of("access-service", new StatementExecuted(
                EventFixtures.CLUSTER, UUID.randomUUID(), "far-future@example.com", "select 1", false, 0,
                Instant.parse("+10000-01-01T00:00:00Z")));

        assertThatThrownBy(() -> EventCodec.encodeAll(List.of(farFuture)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("/data/executedAt");
    }

    @Test
    void aStatementWithSpecialCharactersIsEscapedAsTheTreePathEscapesIt() {
        List<Envelope<StatementExecuted>> envelopes = statements("escapes@example.com", 1);
        Envelope<StatementExecuted> tricky = Envelope.of("access-service", new StatementExecuted(
                EventFixtures.CLUSTER, UUID.randomUUID(), "escapes@example.com",
                "select '\"quoted\"', E'\\n', 'tab\there', 'nul\u0000', 'æøå 🐘'", true, 3, Instant.now()));
        List<Envelope<StatementExecuted>> both = List.of(envelopes.get(0), tricky);

        List<byte[]> encoded = EventCodec.encodeAll(both);

        assertThat(encoded.get(1)).isEqualTo(EventCodec.encode(tricky));
        assertThat(EventCodec.decode(encoded.get(1))).isEqualTo(tricky);
    }

    private static List<Envelope<StatementExecuted>> statements(String email, int count) {
        UUID session = UUID.randomUUID();
        return IntStream.range(0, count)
                .mapToObj(i -> Envelope.of("access-service", new StatementExecuted(EventFixtures.CLUSTER, session, email,
                        "select " + i, false, i % 3, Instant.now())))
                .toList();
    }
}
