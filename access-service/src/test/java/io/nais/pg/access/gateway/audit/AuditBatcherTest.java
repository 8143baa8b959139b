package io.nais.pg.access.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;
import io.nais.pg.events.StatementExecuted;
import io.nais.pg.kit.outbox.OutboxRelay;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit thread's hand-off and batching, with a real Kafka producer pointed at a
 * port where no broker listens: every batch ends in the spool, which is then read
 * back and decoded with the codec, as the topic's consumers would.
 */
class AuditBatcherTest {

    private static final String CLUSTER = "team-a/demo-app";
    private static final String NO_BROKER = "127.0.0.1:1";

    @TempDir
    Path spool;

    @Test
    void aBurstLargerThanTheQueueIsCountedAsDroppedAndTheRestDeliveredInOrder() {
        AuditBatcher batcher = batcher(1024, Duration.ofMillis(20));
        UUID session = UUID.randomUUID();

        IntStream.range(0, 1024 + 500).forEach(i -> batcher.offer(statement(session, "select " + i)));
        assertThat(batcher.dropped()).isEqualTo(500);
        batcher.start();
        batcher.close();

        List<StatementExecuted> spooled = spooledStatements();
        assertThat(spooled).extracting(StatementExecuted::statement)
                .containsExactlyElementsOf(IntStream.range(0, 1024).mapToObj(i -> "select " + i).toList());
        assertThat(spooled).allSatisfy(event -> {
            assertThat(event.sessionId()).isEqualTo(session);
            assertThat(event.clusterId()).isEqualTo(CLUSTER);
        });
    }

    @Test
    void statementsOfConcurrentEventLoopsKeepEachLoopsOrderAndGetDistinctIds() throws Exception {
        AuditBatcher batcher = batcher(4096, Duration.ofMillis(10));
        batcher.start();
        int loops = 4;
        int perLoop = 500;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<UUID> sessions = new ArrayList<>();
        for (int loop = 0; loop < loops; loop++) {
            UUID session = UUID.randomUUID();
            sessions.add(session);
            Thread thread = new Thread(() -> {
                awaitQuietly(go);
                for (int i = 0; i < perLoop; i++) {
                    batcher.offer(statement(session, "select " + i));
                }
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        batcher.close();

        List<Envelope<?>> spooled = spooledEnvelopes();
        assertThat(batcher.dropped()).isZero();
        assertThat(spooled).hasSize(loops * perLoop);
        assertThat(spooled.stream().map(e -> e.metadata().id()).distinct()).hasSize(loops * perLoop);
        List<String> expected = IntStream.range(0, perLoop).mapToObj(i -> "select " + i).toList();
        for (UUID session : sessions) {
            assertThat(spooled.stream().map(e -> (StatementExecuted) e.data())
                    .filter(event -> event.sessionId().equals(session)).map(StatementExecuted::statement))
                    .as("statements of session %s", session).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void closeWakesTheAuditThreadFromALongTickAndDeliversWhatIsQueued() {
        AuditBatcher batcher = batcher(1024, Duration.ofMinutes(10));
        batcher.start();
        UUID session = UUID.randomUUID();

        List.of("select 1", "select 2", "select 3").forEach(text -> batcher.offer(statement(session, text)));
        batcher.close();

        assertThat(spooledStatements()).extracting(StatementExecuted::statement)
                .containsExactly("select 1", "select 2", "select 3");
    }

    @Test
    void aStatementTheCodecRefusesIsDroppedAloneAndTheAuditThreadGoesOn() throws Exception {
        AuditBatcher batcher = batcher(1024, Duration.ofMillis(10));
        UUID session = UUID.randomUUID();
        batcher.offer(statement(session, "select 1"));
        batcher.offer(new AuditedStatement(session, CLUSTER, "not an email address",
                new StatementText("select 2".getBytes(StandardCharsets.UTF_8), false), 0, Instant.now()));
        batcher.offer(statement(session, "select 3"));
        batcher.start();
        // the audit thread got past the refused statement before the next one is offered
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> batcher.dropped() == 1);

        batcher.offer(statement(session, "select 4"));
        batcher.close();

        assertThat(batcher.dropped()).isEqualTo(1);
        assertThat(spooledStatements()).extracting(StatementExecuted::statement)
                .containsExactly("select 1", "select 3", "select 4");
    }

    private AuditBatcher batcher(int queueCapacity, Duration drainInterval) {
        Duration ackTimeout = Duration.ofSeconds(1);
        AuditSettings settings = new AuditSettings(true, Map.of(), 4096, queueCapacity, 500, drainInterval, Duration.ofMillis(5), spool,
                64L * 1024 * 1024, 64 * 1024, FullSpoolPolicy.KEEP_SERVING, Duration.ofMinutes(5), ackTimeout,
                OutboxRelay.producerConfig(Map.of("bootstrap.servers", NO_BROKER), "audit-batcher-test"));
        return new AuditBatcher(settings, new KafkaDelivery("nais.pg.access.v1", settings.producerConfig(), settings.linger(), ackTimeout));
    }

    private static AuditedStatement statement(UUID session, String text) {
        return new AuditedStatement(session, CLUSTER, "alice@example.com",
                new StatementText(text.getBytes(StandardCharsets.UTF_8), false), 0, Instant.now());
    }

    private List<StatementExecuted> spooledStatements() {
        return spooledEnvelopes().stream().map(envelope -> (StatementExecuted) envelope.data()).toList();
    }

    /** Every spooled record, oldest segment first, decoded by the codec (which validates against the schema). */
    private List<Envelope<?>> spooledEnvelopes() {
        AuditSpool reopened = new AuditSpool(spool, Long.MAX_VALUE, 64 * 1024);
        try {
            List<Envelope<?>> envelopes = new ArrayList<>();
            while (!reopened.isEmpty()) {
                Path oldest = reopened.oldest();
                reopened.read(oldest).forEach(record -> {
                    assertThat(record.key()).isEqualTo(CLUSTER);
                    envelopes.add(EventCodec.decode(record.value()));
                });
                reopened.delete(oldest);
            }
            return envelopes;
        } finally {
            reopened.close();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
