package io.nais.pg.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.IntFunction;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;
import io.nais.pg.testsupport.kafka.KafkaBroker;

/**
 * Produce → consume round trip of one event at a time on a real broker:
 * through {@link EventCodec} (encode before send, decode after receive)
 * against the same trip with a ready-made byte[] of the same size, in
 * alternating rounds of one run. Prints p50/p99 of both and their ratio.
 *
 * <p>Usage: {@code bench/codec-roundtrip.sh [events per path, default 2000]}
 */
public final class CodecRoundTrip {

    private static final int ROUNDS = 10;
    private static final int WARMUP = 300;

    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        try (KafkaBroker kafka = KafkaBroker.start();
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(kafka));
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig(kafka))) {
            kafka.createTopics(List.of("bench.codec", "bench.raw"));
            RoundTrip trip = new RoundTrip(producer, consumer);
            int size = EventCodec.encode(envelope(0)).length;
            byte[] raw = new byte[size];
            Arrays.fill(raw, (byte) 'x');

            IntFunction<byte[]> encode = i -> EventCodec.encode(envelope(i));
            Function<byte[], Object> decode = EventCodec::decode;
            trip.measure("bench.codec", WARMUP, encode, decode);
            trip.measure("bench.raw", WARMUP, i -> raw, bytes -> bytes);

            long[] codec = new long[0];
            long[] baseline = new long[0];
            for (int round = 0; round < ROUNDS; round++) {
                baseline = concat(baseline, trip.measure("bench.raw", events / ROUNDS, i -> raw, bytes -> bytes));
                codec = concat(codec, trip.measure("bench.codec", events / ROUNDS, encode, decode));
            }
            report(events, size, codec, baseline);
        }
    }

    /** A representative event: the largest regular one, with a few schemas. */
    private static Envelope<ClusterDiscovered> envelope(int i) {
        return Envelope.of("bench", new ClusterDiscovered("team-" + i + "/app", "team-" + i, "app",
                "app-db.team-" + i + ".svc.cluster.local", 5432, "app", "app", List.of("public", "audit", "reporting"),
                "k8s:team-" + i + "/postgres.app-db.credentials", "15", "Running"));
    }

    private static final class RoundTrip {
        private final KafkaProducer<String, byte[]> producer;
        private final KafkaConsumer<String, byte[]> consumer;

        RoundTrip(KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> consumer) {
            this.producer = producer;
            this.consumer = consumer;
        }

        /** Nanoseconds per event, from before encoding to after decoding. */
        long[] measure(String topic, int count, IntFunction<byte[]> encode, Function<byte[], Object> decode) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            long[] nanos = new long[count];
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, "key", encode.apply(i)));
                ConsumerRecord<String, byte[]> received = awaitOne();
                if (decode.apply(received.value()) == null) {
                    throw new IllegalStateException("nothing decoded");
                }
                nanos[i] = System.nanoTime() - start;
            }
            return nanos;
        }

        private ConsumerRecord<String, byte[]> awaitOne() {
            while (true) {
                var records = consumer.poll(Duration.ofSeconds(10));
                if (records.count() > 1) {
                    throw new IllegalStateException("expected one record at a time, got " + records.count());
                }
                for (ConsumerRecord<String, byte[]> record : records) {
                    return record;
                }
            }
        }
    }

    private static void report(int events, int size, long[] codec, long[] baseline) {
        Arrays.sort(codec);
        Arrays.sort(baseline);
        double codecP50 = percentileMillis(codec, 50), codecP99 = percentileMillis(codec, 99);
        double rawP50 = percentileMillis(baseline, 50), rawP99 = percentileMillis(baseline, 99);
        System.out.printf("codec round trip, %d events per path, %d-byte value, one in flight%n", events, size);
        System.out.printf("  baseline raw byte[]   p50 %.3f ms   p99 %.3f ms%n", rawP50, rawP99);
        System.out.printf("  EventCodec envelope   p50 %.3f ms   p99 %.3f ms%n", codecP50, codecP99);
        System.out.printf("  ratio codec/raw       p50 %.2f      p99 %.2f%n", codecP50 / rawP50, codecP99 / rawP99);
    }

    private static double percentileMillis(long[] sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1_000_000.0;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static Map<String, Object> producerConfig(KafkaBroker kafka) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    }

    private static Properties consumerConfig(KafkaBroker kafka) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 1);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return config;
    }
}
