package io.nais.pg.kit.inbox;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.InvalidEventException;
import io.nais.pg.kit.logging.LogContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * How a consumer takes a polled batch ({@code mp.messaging.incoming.<channel>.batch=true}):
 * the records it cannot apply (undecodable, or an event type that is not its own)
 * are nacked one by one, so only they reach the dead-letter topic; the rest is
 * applied in ONE transaction of the service database. If that transaction fails,
 * each record is applied in a transaction of its own and only those that fail
 * alone are dead-lettered, exactly as with one record at a time. A failure of the
 * database itself ({@link TransientFailure}: the connection lost, the server
 * restarting) is no fault of the events: the same batch is applied again, with a
 * growing pause, until the database answers; nothing is dead-lettered for it. The
 * batch's offsets are committed once every dead letter is on its topic.
 *
 * <p>Why batches: a transaction per record turns a burst (a team sync, a platform
 * start that discovers fifty clusters, a console catching up) into a serial chain
 * of commits, each with its round trips; a batch is one.
 */
public final class PolledBatch {

    private static final Logger LOG = Logger.getLogger(PolledBatch.class);

    private PolledBatch() {
    }

    /** As {@link #apply(KafkaRecordBatch, Function, Consumer)} for a consumer that takes every decoded event. */
    public static CompletionStage<Void> apply(KafkaRecordBatch<String, Envelope<?>> batch,
                                              Consumer<List<Envelope<?>>> inTransaction) {
        return apply(batch, envelope -> null, inTransaction);
    }

    /**
     * @param refusal        why a record cannot be applied by this consumer, or null when it can
     * @param inTransaction  applies the valid envelopes, in log order; called inside the transaction
     */
    public static CompletionStage<Void> apply(KafkaRecordBatch<String, Envelope<?>> batch,
                                              Function<Envelope<?>, RuntimeException> refusal,
                                              Consumer<List<Envelope<?>>> inTransaction) {
        List<KafkaRecord<String, Envelope<?>>> valid = new ArrayList<>();
        List<CompletionStage<Void>> deadLetters = new ArrayList<>();
        for (KafkaRecord<String, Envelope<?>> record : batch.getRecords()) {
            RuntimeException refused = record.getPayload() == null ? undecodable(record)
                    : refusal.apply(record.getPayload());
            if (refused == null) {
                valid.add(record);
            } else {
                deadLetters.add(record.nack(refused));
            }
        }
        if (!applyAll(valid, inTransaction, deadLetters)) {
            return new CompletableFuture<>(); // interrupted (the service stops): no offset is committed
        }
        return CompletableFuture.allOf(deadLetters.stream().map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new)).thenCompose(done -> batch.ack());
    }

    /** @return false when interrupted while the database was away: nothing was applied or dead-lettered */
    private static boolean applyAll(List<KafkaRecord<String, Envelope<?>>> records,
                                    Consumer<List<Envelope<?>>> inTransaction, List<CompletionStage<Void>> deadLetters) {
        if (records.isEmpty()) {
            return true;
        }
        for (int attempt = 1; ; attempt++) {
            RuntimeException failed = applyOnce(records, inTransaction);
            if (failed == null) {
                return true;
            }
            if (!TransientFailure.is(failed)) {
                return applyAlone(records, inTransaction, deadLetters, failed);
            }
            if (!TransientFailure.pauseAfter(attempt, "applying " + records.size() + " events on "
                    + records.get(0).getTopic(), failed)) {
                return false;
            }
        }
    }

    /** The records in one transaction; the failure, or null. */
    private static RuntimeException applyOnce(List<KafkaRecord<String, Envelope<?>>> records,
                                              Consumer<List<Envelope<?>>> inTransaction) {
        // a lone record (a quiet topic, or the one-by-one retry of a failed batch) logs with its event's context
        try (LogContext log = records.size() == 1 ? LogContext.forEvent(records.get(0).getPayload())
                : LogContext.open()) {
            List<Envelope<?>> envelopes = records.stream().<Envelope<?>>map(KafkaRecord::getPayload).toList();
            QuarkusTransaction.requiringNew().run(() -> inTransaction.accept(envelopes));
            return null;
        } catch (RuntimeException failed) {
            return failed;
        }
    }

    /** After a failure that is the events' own: a lone record is dead-lettered, a batch is tried one by one. */
    private static boolean applyAlone(List<KafkaRecord<String, Envelope<?>>> records,
                                      Consumer<List<Envelope<?>>> inTransaction, List<CompletionStage<Void>> deadLetters,
                                      RuntimeException batchFailed) {
        if (records.size() == 1) {
            deadLetters.add(records.get(0).nack(batchFailed));
            return true;
        }
        LOG.warnf("a batch of %d events on %s failed (%s); applying them one by one", records.size(),
                records.get(0).getTopic(), batchFailed.toString());
        for (KafkaRecord<String, Envelope<?>> record : records) {
            if (!applyAll(List.of(record), inTransaction, deadLetters)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The channels do not fail on a record they cannot deserialize (the kit's convention): it arrives without a
     * value and is refused here, so the channel's failure strategy sends it to {@code <topic>.dlq}.
     */
    private static InvalidEventException undecodable(KafkaRecord<String, Envelope<?>> record) {
        long offset = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getOffset).orElse(-1L);
        return new InvalidEventException(null, "", "record on " + record.getTopic() + " at offset " + offset
                + " is not a valid event");
    }
}
