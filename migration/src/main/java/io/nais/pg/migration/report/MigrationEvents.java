package io.nais.pg.migration.report;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;
import io.nais.pg.events.PlatformEvent;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Where MigrationCompleted/MigrationFailed go: Kafka when a bootstrap is
 * configured, nowhere otherwise (the printed report is then the record). The
 * CLI is a one-shot process with no database of its own, so there is no outbox:
 * it sends synchronously and says so when the send fails.
 */
public interface MigrationEvents {

    String PRODUCER = "nais-cli";

    /** Sends one event; returns false (and never throws) when it could not. */
    boolean emit(PlatformEvent event);

    static MigrationEvents none() {
        return event -> false;
    }

    static MigrationEvents kafka(String bootstrapServers) {
        return event -> {
            Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
            Envelope<PlatformEvent> envelope = Envelope.of(PRODUCER, event);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(envelope.topic().topicName(), envelope.key(), EventCodec.encode(envelope)))
                        .get(20, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        };
    }
}
