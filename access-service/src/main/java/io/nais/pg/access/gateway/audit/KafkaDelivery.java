package io.nais.pg.access.gateway.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * Sends a batch and waits for the broker's acks, reporting how long a prefix of
 * the batch is safely on the topic. Timeouts are short so an outage is noticed in
 * seconds (the records then go to the spool), and the producer is thrown away
 * after a failure so the next attempt starts clean (fresh metadata, no stuck
 * sequence numbers).
 */
final class KafkaDelivery implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaDelivery.class);

    private final String topic;
    private final Map<String, Object> producerConfig;
    private final Duration ackTimeout;
    private Producer<String, byte[]> producer;

    /** @param producerConfig the service's producer settings (bootstrap servers, security, serializers, idempotence) */
    KafkaDelivery(String topic, Map<String, Object> producerConfig, Duration linger, Duration ackTimeout) {
        this.topic = topic;
        this.ackTimeout = ackTimeout;
        Map<String, Object> config = new HashMap<>(producerConfig);
        int timeout = (int) ackTimeout.toMillis();
        // Statements arrive in thousands per second and may wait a little: few, large produce requests
        // cost the broker far less than many small ones (on a shared 2-core bench, 50 ms and 1 MiB batches
        // instead of 5 ms and 64 KiB took TPS with audit on from about 0.81-0.84 to 0.85-0.97 of audit off).
        config.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger.toMillis());
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, timeout - 500));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout + 10);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        this.producerConfig = config;
    }

    /** Records handed to the producer, their acks still to come. */
    static final class InFlight {
        final List<SpoolRecord> records;
        final List<Future<RecordMetadata>> acks;

        private InFlight(List<SpoolRecord> records, List<Future<RecordMetadata>> acks) {
            this.records = records;
            this.acks = acks;
        }
    }

    /** @return how many records, from the first, the broker acknowledged */
    int send(List<SpoolRecord> records) {
        return await(sendAsync(records));
    }

    /** Hands the records to the producer without waiting; {@link #await} tells how many got through. */
    InFlight sendAsync(List<SpoolRecord> records) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        try {
            Producer<String, byte[]> p = producer();
            for (SpoolRecord record : records) {
                Future<RecordMetadata> ack = p.send(new ProducerRecord<>(topic, record.key(), record.value()));
                acks.add(ack);
                // Failed already (no metadata within max.block.ms: broker unreachable): every further send
                // would block as long again, so a batch of n would hold the audit thread n times the timeout.
                if (failed(ack)) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("audit events could not be handed to Kafka: %s", e.toString());
        }
        return new InFlight(records, acks);
    }

    private static boolean failed(Future<RecordMetadata> ack) {
        if (!ack.isDone()) {
            return false;
        }
        try {
            ack.get();
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** @return how many records of {@code inFlight}, from the first, the broker acknowledged */
    int await(InFlight inFlight) {
        int acked = awaitPrefix(inFlight.acks);
        if (acked < inFlight.records.size()) {
            discardProducer();
        }
        return acked;
    }

    private int awaitPrefix(List<Future<RecordMetadata>> acks) {
        long deadline = System.nanoTime() + ackTimeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warnf("audit event not acknowledged by Kafka (%d of %d acked): %s", i, acks.size(),
                        e.getCause() == null ? e.toString() : e.getCause().toString());
                return i;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return i;
            }
        }
        return acks.size();
    }

    private Producer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(producerConfig);
        }
        return producer;
    }

    private void discardProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
