package io.nais.pg.kit.outbox;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Runs {@link OutboxSender} on one background thread: right after every commit
 * that published (transaction observer), and on a sweep every
 * {@code nais.kit.outbox.sweep-interval}, which catches rows left by a crash
 * between commit and send or by another replica.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final DataSource dataSource;
    private final OutboxConfig config;
    private final Map<String, Object> kafkaConfig;
    private final String applicationName;
    private final MeterRegistry meters;
    private final Semaphore wakeUps = new Semaphore(0);

    private volatile boolean running;
    private Producer<String, byte[]> producer;
    private OutboxSender sender;
    private Thread thread;

    OutboxRelay(DataSource dataSource, OutboxConfig config,
                @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
                @ConfigProperty(name = "quarkus.application.name") String applicationName,
                MeterRegistry meters) {
        this.dataSource = dataSource;
        this.config = config;
        this.kafkaConfig = kafkaConfig;
        this.applicationName = applicationName;
        this.meters = meters;
    }

    void start(@Observes StartupEvent startup) {
        producer = new KafkaProducer<>(producerConfig(kafkaConfig, applicationName + "-outbox"));
        sender = new OutboxSender(dataSource, producer, config.batchSize(), config.sendTimeout());
        Gauge.builder("nais.outbox.pending", this, OutboxRelay::pendingOrNaN)
                .description("outbox rows not yet acked by the broker")
                .register(meters);
        // alert NaisPgOutboxStuck (deploy/base/alerts.yaml): age, not count, tells a stuck relay from a busy one
        Gauge.builder("nais.outbox.oldest.age.seconds", this, OutboxRelay::oldestAgeOrNaN)
                .description("seconds the oldest outbox row has waited for the broker's ack (0: none waits)")
                .register(meters);
        if (!config.relayEnabled()) {
            LOG.info("outbox relay disabled (nais.kit.outbox.relay-enabled=false)");
            return;
        }
        running = true;
        thread = new Thread(this::relayUntilStopped, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        wakeUps.release();
        if (thread != null) {
            thread.join(config.sendTimeout().toMillis());
        }
        producer.close(Duration.ofSeconds(5));
    }

    /** Wakes the relay once the transaction that wrote an outbox row has committed. */
    void onCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) OutboxWritten written) {
        wakeUps.release();
    }

    /**
     * The producer for the relay: every {@code kafka.*} setting of the
     * service (bootstrap servers, security), plus the guarantees the outbox
     * relies on: idempotence and acks from all in-sync replicas.
     */
    public static Map<String, Object> producerConfig(Map<String, Object> kafkaConfig, String clientId) {
        Map<String, Object> producer = new HashMap<>(kafkaConfig);
        producer.keySet().removeIf(key -> key.endsWith(".deserializer") || key.startsWith("group."));
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        return producer;
    }

    private void relayUntilStopped() {
        while (running) {
            relayAllPending();
            awaitWakeUpOrSweep();
        }
    }

    private void relayAllPending() {
        try {
            while (running && sender.relayBatch() == config.batchSize()) {
                // a full batch: more rows may be waiting
            }
        } catch (Exception e) {
            LOG.warnf("outbox relay pass failed, retrying on the next sweep: %s", e.toString());
        }
    }

    private void awaitWakeUpOrSweep() {
        try {
            wakeUps.tryAcquire(config.sweepInterval().toMillis(), TimeUnit.MILLISECONDS);
            wakeUps.drainPermits();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private double pendingOrNaN() {
        try {
            return sender.pendingCount();
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private double oldestAgeOrNaN() {
        try {
            return sender.oldestPendingAgeSeconds();
        } catch (Exception e) {
            return Double.NaN;
        }
    }
}
