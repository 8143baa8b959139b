package io.nais.pg.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
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

    @Test
    void everyCharacterOfTheBasicPlaneAndSurrogatePairsAreWrittenAsJacksonWritesThem() {
        List<Envelope<?>> envelopes = new ArrayList<>(statements("every-char@example.com", 1));
        StringBuilder chunk = new StringBuilder();
        for (int c = 0; c <= 0xFFFF; c++) {
            chunk.append((char) c);
            if (chunk.length() == 2048 || c == 0xFFFF) {
                envelopes.add(statement("every-char@example.com", chunk.toString(), false, 1, Instant.now()));
                chunk.setLength(0);
            }
        }
        // pairs, a lone high and a lone low surrogate, at the start and at the end
        envelopes.add(statement("every-char@example.com", "🐘 \uD83D \uDC18 😀🐘", false, 0, Instant.now()));
        envelopes.add(statement("every-char@example.com", "\uDC18x\uD83D", false, 0, Instant.now()));

        assertSameBytesAsTheTreePath(envelopes);
    }

    @Test
    void timesOfEveryFractionLengthAndEdgeYearAndCountsOfEveryWidthAreWrittenAsJacksonWritesThem() {
        List<Envelope<?>> envelopes = new ArrayList<>(statements("instants@example.com", 1));
        List<Instant> instants = List.of(
                Instant.parse("2026-11-24T18:00:00Z"), Instant.parse("2026-11-24T18:00:00.100Z"),
                Instant.parse("2026-11-24T18:00:00.000001Z"), Instant.parse("2026-11-24T18:00:00.000000001Z"),
                Instant.parse("2026-11-24T18:00:00.120300Z"), Instant.parse("2026-11-24T23:59:59.999999999Z"),
                Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("0999-12-31T23:59:59.5Z"),
                Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"));
        int[] counts = {0, 7, 10, 99, 100, 12_345, 65_535, Integer.MAX_VALUE};
        for (int i = 0; i < instants.size(); i++) {
            envelopes.add(statement("instants@example.com", "select " + i, i % 2 == 0, counts[i % counts.length],
                    instants.get(i)));
            envelopes.add(new Envelope<>(new EventMetadata(UUID.randomUUID(), instants.get(i), "access-service",
                    "correlation \"" + i + "\""),
                    new StatementExecuted(EventFixtures.CLUSTER, new UUID(i, -i), "instants@example.com", "select 1",
                            false, counts[counts.length - 1 - i % counts.length], Instant.now())));
        }

        assertSameBytesAsTheTreePath(envelopes);
    }

    private static void assertSameBytesAsTheTreePath(List<Envelope<?>> envelopes) {
        List<byte[]> encoded = EventCodec.encodeAll(envelopes);
        for (int i = 0; i < envelopes.size(); i++) {
            assertThat(new String(encoded.get(i), StandardCharsets.UTF_8)).as("envelope %d", i)
                    .isEqualTo(EventCodec.encodeToString(envelopes.get(i)));
            assertThat(EventCodec.decode(encoded.get(i))).as("envelope %d decoded", i).isEqualTo(envelopes.get(i));
        }
    }

    private static Envelope<StatementExecuted> statement(String email, String text, boolean truncated, int parameters,
                                                         Instant executedAt) {
        return Envelope.of("access-service", new StatementExecuted(EventFixtures.CLUSTER, UUID.randomUUID(), email,
                text, truncated, parameters, executedAt));
    }

    private static List<Envelope<StatementExecuted>> statements(String email, int count) {
        UUID session = UUID.randomUUID();
        return IntStream.range(0, count)
                .mapToObj(i -> Envelope.of("access-service", new StatementExecuted(EventFixtures.CLUSTER, session, email,
                        "select " + i, false, i % 3, Instant.now())))
                .toList();
    }
}
