package io.nais.pg.access.gateway.audit;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;
import io.nais.pg.events.InvalidEventException;
import io.nais.pg.events.StatementExecuted;
import io.netty.util.internal.PlatformDependent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * The audit thread: takes statements from a bounded queue (the event loops only
 * ever {@code offer}), encodes them, and delivers them in order, to Kafka when it
 * answers and to the {@link AuditSpool} when it does not.
 *
 * <p>Hand-off without wake-ups: the queue is a lock-free bounded multi-producer
 * single-consumer array queue (Netty's, the one its event loops use for tasks), and
 * {@code offer} never signals anyone. The audit thread drains it on a fixed tick
 * ({@code drain-interval}), so it wakes about 1/tick times a second whatever the
 * statement rate, and each wake-up encodes and sends one larger batch. A blocking
 * queue here made the audit thread wake per statement at a few thousand
 * statements/s (the consumer waits on an almost empty queue, so nearly every offer
 * signals it): batches of one, tiny Kafka requests and a futex call on the event
 * loop per statement, which cost pgbench through the gateway up to 40% of its TPS on
 * two cores. A drained round that filled a whole batch does not wait for the tick.
 *
 * <p>Order and delivery: while the spool holds anything, new events are appended
 * behind it, so the topic sees events in the order they were taken. A spool segment
 * is deleted only when every one of its records was acknowledged; a segment that was
 * partly acknowledged is sent again whole. Delivery is therefore <b>at least once</b>:
 * an event may appear twice around an outage, always with the same CloudEvents
 * {@code id} (encoded once, before the first attempt), so consumers de-duplicate
 * by id as they do for every event.
 */
final class AuditBatcher implements StatementSink, AutoCloseable {

    static final String PRODUCER = "access-service";
    private static final Logger LOG = Logger.getLogger(AuditBatcher.class);
    private static final long LOUD_LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Queue<AuditedStatement> queue;
    private final AuditSpool spool;
    private final KafkaDelivery kafka;
    private final int batchSize;
    private final long drainIntervalNanos;
    private final Duration retryInterval;
    private final FullSpoolPolicy policy;
    private final Thread thread;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean spoolFull;
    private long retryAt;
    /** The last batch sent straight to Kafka; its acks are awaited while the next batch is taken and encoded. */
    private KafkaDelivery.InFlight inFlight;
    private long lastLoudLog = System.nanoTime() - LOUD_LOG_EVERY_NANOS;
    private long droppedAtLastLog;

    AuditBatcher(AuditSettings settings, KafkaDelivery kafka) {
        // capacity is rounded up to a power of two by the queue
        this.queue = PlatformDependent.newFixedMpscQueue(settings.queueCapacity());
        this.spool = new AuditSpool(settings.spoolDirectory(), settings.spoolMaxBytes(), settings.spoolSegmentBytes());
        this.kafka = kafka;
        this.batchSize = settings.batchSize();
        this.drainIntervalNanos = settings.drainInterval().toNanos();
        this.retryInterval = settings.retryInterval();
        this.policy = settings.fullPolicy();
        this.thread = new Thread(this::run, "gateway-audit");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Never blocks and never wakes the audit thread: a full queue drops the statement and counts it. */
    @Override
    public void offer(AuditedStatement statement) {
        if (!queue.offer(statement)) {
            dropped.incrementAndGet();
        }
    }

    private void run() {
        List<AuditedStatement> batch = new ArrayList<>(batchSize);
        while (running || !queue.isEmpty()) {
            boolean full = takeBatch(batch);
            try {
                List<SpoolRecord> records = encode(batch);
                settleInFlight();
                deliver(records);
                drainSpoolWhenDue();
            } catch (RuntimeException e) {
                // The audit thread must outlive any one failure, or every later statement would be dropped.
                LOG.errorf("statement audit round failed, going on: %s", e.getClass().getName());
                outage();
            } finally {
                batch.clear();
            }
            logDropsLoudly();
            awaitTickUnless(full);
        }
        settleInFlight();
    }

    /** @return whether a whole batch was taken (more may be waiting) */
    private boolean takeBatch(List<AuditedStatement> batch) {
        AuditedStatement next;
        while (batch.size() < batchSize && (next = queue.poll()) != null) {
            batch.add(next);
        }
        return batch.size() == batchSize;
    }

    /** Sleeps one tick, unless the queue may hold more than a batch; {@link #close} cuts it short. */
    private void awaitTickUnless(boolean full) {
        if (full || !running) {
            return;
        }
        LockSupport.parkNanos(this, drainIntervalNanos);
        if (Thread.interrupted()) {
            running = false;
        }
    }

    /**
     * Waits for the previous direct send; what the broker did not take goes to the
     * spool before anything newer, which keeps the order.
     */
    private void settleInFlight() {
        if (inFlight == null) {
            return;
        }
        KafkaDelivery.InFlight settling = inFlight;
        inFlight = null;
        int acked = kafka.await(settling);
        sent.addAndGet(acked);
        if (acked < settling.records.size()) {
            outage();
            spoolOrDrop(settling.records.subList(acked, settling.records.size()));
        }
    }

    /**
     * One codec call per batch: its batch path skips the schema for what already
     * passed it (see the codec). A batch the codec refuses is encoded again one by
     * one, so only the invalid statements are lost (counted as dropped), not their
     * neighbours.
     */
    private List<SpoolRecord> encode(List<AuditedStatement> batch) {
        List<Envelope<StatementExecuted>> envelopes = new ArrayList<>(batch.size());
        for (AuditedStatement statement : batch) {
            envelopes.add(Envelope.of(PRODUCER, statement.toEvent()));
        }
        try {
            return records(envelopes, EventCodec.encodeAll(envelopes));
        } catch (InvalidEventException e) {
            return encodeOneByOne(envelopes);
        }
    }

    private List<SpoolRecord> encodeOneByOne(List<Envelope<StatementExecuted>> envelopes) {
        List<SpoolRecord> records = new ArrayList<>(envelopes.size());
        for (Envelope<StatementExecuted> envelope : envelopes) {
            try {
                records.add(new SpoolRecord(envelope.key(), EventCodec.encode(envelope)));
            } catch (InvalidEventException e) {
                // pointer only: the problem text may quote the statement's values
                LOG.errorf("statement event not valid, dropped: %s at %s (session %s)", e.type(), e.pointer(),
                        envelope.data().sessionId());
                dropped.incrementAndGet();
            }
        }
        return records;
    }

    private static List<SpoolRecord> records(List<Envelope<StatementExecuted>> envelopes, List<byte[]> values) {
        List<SpoolRecord> records = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            records.add(new SpoolRecord(envelopes.get(i).key(), values.get(i)));
        }
        return records;
    }

    /**
     * Straight to Kafka when nothing is spooled and Kafka is not known to be away
     * (acks awaited in {@link #settleInFlight} next round); else behind the spool.
     */
    private void deliver(List<SpoolRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        if (spool.isEmpty() && System.nanoTime() >= retryAt) {
            inFlight = kafka.sendAsync(records);
            return;
        }
        spoolOrDrop(records);
    }

    private void spoolOrDrop(List<SpoolRecord> records) {
        int stored = spool.append(records);
        if (stored < records.size()) {
            spoolFull = true;
            dropped.addAndGet(records.size() - stored);
        }
    }

    /** One segment per round, so new statements keep flowing into the spool while a backlog drains. */
    private void drainSpoolWhenDue() {
        if (spool.isEmpty() || System.nanoTime() < retryAt) {
            return;
        }
        settleInFlight();
        if (spool.isEmpty() || System.nanoTime() < retryAt) {
            return;
        }
        Path segment = spool.oldest();
        List<SpoolRecord> records = spool.read(segment);
        int acked = kafka.send(records);
        if (acked == records.size()) {
            spool.delete(segment);
            sent.addAndGet(acked);
            spoolFull = false;
            if (spool.isEmpty()) {
                LOG.infof("audit spool drained: statement audit is back on Kafka");
            }
        } else {
            outage();
        }
    }

    private void outage() {
        retryAt = System.nanoTime() + retryInterval.toNanos();
    }

    private void logDropsLoudly() {
        long now = System.nanoTime();
        if (now - lastLoudLog < LOUD_LOG_EVERY_NANOS) {
            return;
        }
        long total = dropped.get();
        if (total > droppedAtLastLog || (spoolFull && policy == FullSpoolPolicy.REFUSE_NEW_SESSIONS)) {
            LOG.errorf("STATEMENT AUDIT INCOMPLETE: Kafka unavailable or too slow and the audit spool full (%d bytes);"
                            + " %d statement event(s) dropped since the last report, %d in total; policy %s",
                    spool.bytes(), total - droppedAtLastLog, total, policy);
            droppedAtLastLog = total;
            lastLoudLog = now;
        }
    }

    long sent() {
        return sent.get();
    }

    long dropped() {
        return dropped.get();
    }

    long spoolBytes() {
        return spool.bytes();
    }

    boolean spoolFull() {
        return spoolFull;
    }

    /** Delivers (or spools) what is queued, then stops; the spool keeps anything Kafka did not take. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kafka.close();
        spool.close();
    }
}
