package io.nais.pg.testsupport.kafka;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.EventTypes;
import io.nais.pg.events.PlatformEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The project's one Kafka helper for tests: publishes envelopes the way a
 * service's outbox does (key = aggregate id, value = {@link EventCodec} JSON),
 * and reads them back. Reads always start at the beginning of the topic,
 * because topics are shared by every test class of a JVM: match on ids your
 * test made, never on position.
 *
 * <pre>{@code
 * events.publish(Envelope.of("test", new TeamMemberAdded("team-a", "me@example.com")));
 * Envelope<HumanRoleProvisioned> provisioned = events.await(HumanRoleProvisioned.class,
 *         e -> e.email().equals("me@example.com"), Duration.ofSeconds(10));
 * }</pre>
 */
public final class TestEventBus implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final String bootstrapServers;
    private KafkaProducer<String, byte[]> producer;

    public TestEventBus(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Sends the envelope to its topic and waits for the broker's acknowledgement. */
    public RecordMetadata publish(Envelope<?> envelope) {
        return publishRaw(envelope.topic().topicName(), envelope.key(), EventCodec.encode(envelope));
    }

    /** Sends any bytes, e.g. an invalid event to prove a consumer dead-letters it. */
    public synchronized RecordMetadata publishRaw(String topic, String key, byte[] value) {
        if (producer == null) {
            producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer());
        }
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not publish to " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("publishing to " + topic + " timed out", e);
        }
    }

    /** Waits for the first event of {@code type} that matches, reading its topic from the beginning. */
    @SuppressWarnings("unchecked")
    public <E extends PlatformEvent> Envelope<E> await(Class<E> type, Predicate<E> matching, Duration timeout) {
        EventTopic topic = EventTypes.of(type).topic();
        return (Envelope<E>) await(topic, envelope -> type.isInstance(envelope.data()) && matching.test(type.cast(envelope.data())), timeout);
    }

    /** Waits for the first envelope on {@code topic} that matches. */
    public Envelope<?> await(EventTopic topic, Predicate<Envelope<?>> matching, Duration timeout) {
        List<Envelope<?>> found = awaitCount(topic, matching, 1, timeout);
        return found.get(0);
    }

    /** Waits until {@code count} envelopes on {@code topic} match, and returns them in offset order. */
    public List<Envelope<?>> awaitCount(EventTopic topic, Predicate<Envelope<?>> matching, int count, Duration timeout) {
        List<Envelope<?>> found = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = consumerAtBeginning(topic.topicName())) {
            while (found.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("expected " + count + " matching envelope(s) on " + topic.topicName()
                            + " within " + timeout + ", found " + found.size());
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    Envelope<?> envelope = EventCodec.decode(record.value());
                    if (matching.test(envelope)) {
                        found.add(envelope);
                    }
                }
            }
        }
        return found.subList(0, count);
    }

    /** Every envelope on {@code topic} now, in offset order. */
    public List<Envelope<?>> readAll(EventTopic topic) {
        return readAllRaw(topic.topicName()).stream().<Envelope<?>>map(record -> EventCodec.decode(record.value())).toList();
    }

    /** Every record on any topic now (e.g. a {@code .dlq}), undecoded. */
    public List<ConsumerRecord<String, byte[]>> readAllRaw(String topic) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumerAtBeginning(topic)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                consumer.poll(POLL).forEach(records::add);
            }
        }
        return records;
    }

    /** Whether no envelope on {@code topic} matches now: for proving something was NOT published. */
    public Optional<Envelope<?>> findNow(EventTopic topic, Predicate<Envelope<?>> matching) {
        return readAll(topic).stream().filter(matching).findFirst();
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    private KafkaConsumer<String, byte[]> consumerAtBeginning(String topic) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "test-event-bus-" + UUID.randomUUID());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo partition : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, partition.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private Properties producerConfig() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return properties;
    }
}
