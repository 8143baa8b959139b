package io.nais.pg.kit.outbox;

import static io.nais.pg.kit.outbox.OutboxTest.backupFailed;
import static io.nais.pg.kit.outbox.OutboxTest.uniqueCluster;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

import io.nais.pg.events.BackupFailed;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventTopic;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.annotation.Identifier;

/**
 * This application's relay is off: committed rows stay as a crash between
 * commit and send would leave them. Two independent senders (two replicas, or
 * the restarted process) then relay them concurrently.
 */
@QuarkusTest
@TestProfile(OutboxRecoveryTest.RelayStopped.class)
@RealInfrastructure(kafka = true, postgres = true)
class OutboxRecoveryTest {

    public static class RelayStopped implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("nais.kit.outbox.relay-enabled", "false");
        }
    }

    private static final int KEYS = 10;
    private static final int EVENTS_PER_KEY = 12;

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    Outbox outbox;

    @Inject
    DataSource dataSource;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Test
    void rowsLeftByACrashAreSentExactlyOnceInKeyOrderByConcurrentRelays() throws Exception {
        List<Envelope<BackupFailed>> committed = commitEventsForSeveralKeys();
        try (TestEventBus events = infra.events()) {
            assertThat(events.findNow(EventTopic.BACKUPS, e -> e.metadata().id().equals(committed.get(0).metadata().id())))
                    .as("nothing is sent while no relay runs").isEmpty();

            relayConcurrently(2);

            List<UUID> ours = committed.stream().map(e -> e.metadata().id()).toList();
            List<Envelope<?>> received = events.readAll(EventTopic.BACKUPS).stream()
                    .filter(e -> ours.contains(e.metadata().id())).toList();
            assertThat(received).extracting(e -> e.metadata().id()).containsExactlyInAnyOrderElementsOf(ours);
            for (String key : committed.stream().map(Envelope::key).distinct().toList()) {
                assertThat(received).filteredOn(e -> e.key().equals(key)).extracting(e -> e.metadata().id())
                        .as("order of key %s", key)
                        .containsExactlyElementsOf(committed.stream().filter(e -> e.key().equals(key))
                                .map(e -> e.metadata().id()).toList());
            }
        }
    }

    /** Interleaved across keys, one transaction each, as independent requests would commit them. */
    private List<Envelope<BackupFailed>> commitEventsForSeveralKeys() {
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            keys.add(uniqueCluster());
        }
        List<Envelope<BackupFailed>> committed = new ArrayList<>();
        for (int i = 0; i < EVENTS_PER_KEY; i++) {
            for (String key : keys) {
                Envelope<BackupFailed> event = backupFailed(key, "attempt " + i);
                QuarkusTransaction.requiringNew().run(() -> outbox.publish(event));
                committed.add(event);
            }
        }
        return committed;
    }

    /** Small batches, so the relays contend for rows of the same keys. */
    private void relayConcurrently(int relays) throws Exception {
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int r = 0; r < relays; r++) {
            String clientId = "recovery-relay-" + r;
            running.add(CompletableFuture.runAsync(() -> relayUntilEmpty(clientId)));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get();
    }

    private void relayUntilEmpty(String clientId) {
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(OutboxRelay.producerConfig(kafkaConfig, clientId))) {
            OutboxSender sender = new OutboxSender(dataSource, producer, 7, Duration.ofSeconds(30));
            while (sender.pendingCount() > 0) {
                sender.relayBatch();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
