package io.nais.pg.bench.access;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A reader of a topic from its current end: only what is published after it began, undecoded. For a benchmark
 * that waits for thousands of events while its clock runs: re-reading the topic's history and decoding (and
 * schema-checking) every record, as test-support's {@code TestEventBus.awaitCount} does, would load the very
 * machine under test.
 */
final class TopicTail implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<String, byte[]> consumer;

    private TopicTail(KafkaConsumer<String, byte[]> consumer) {
        this.consumer = consumer;
    }

    static TopicTail of(String bootstrapServers, String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-tail-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(partition -> new TopicPartition(topic, partition.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolves the end now, not at the first poll
        return new TopicTail(consumer);
    }

    /** Waits until {@code count} records whose key matches have arrived since the tail began. */
    void awaitKeys(Predicate<String> key, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (seen < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("expected " + count + " records with a matching key within "
                        + timeout + ", found " + seen);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                if (record.key() != null && key.test(record.key())) {
                    seen++;
                }
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
