package io.nais.pg.console.readmodel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.InvalidEventException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * A polled batch folded in one transaction (as access-service's
 * MembershipConsumer does), with dead letters kept per record: a record that
 * could not be decoded is nacked on its own, so only it goes to the
 * dead-letter topic; if the batch's transaction fails, each record is retried
 * in a transaction of its own and only those that fail again are
 * dead-lettered, exactly as with one record at a time.
 */
final class BatchFold {

    private static final Logger LOG = Logger.getLogger(BatchFold.class);

    private BatchFold() {
    }

    /** Folds the batch's envelopes with {@code fold}, in order; acks the batch once its dead letters are written. */
    static CompletionStage<Void> fold(KafkaRecordBatch<String, Envelope<?>> batch, Consumer<List<Envelope<?>>> fold) {
        List<KafkaRecord<String, Envelope<?>>> decoded = new ArrayList<>();
        List<CompletionStage<Void>> deadLetters = new ArrayList<>();
        for (KafkaRecord<String, Envelope<?>> record : batch.getRecords()) {
            if (record.getPayload() == null) {
                deadLetters.add(record.nack(undecodable(record)));
            } else {
                decoded.add(record);
            }
        }
        inOneTransaction(decoded, fold, deadLetters);
        // the batch's offsets are committed only once every dead letter is on its topic
        return CompletableFuture.allOf(deadLetters.stream().map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new)).thenCompose(done -> batch.ack());
    }

    private static void inOneTransaction(List<KafkaRecord<String, Envelope<?>>> records,
                                         Consumer<List<Envelope<?>>> fold, List<CompletionStage<Void>> deadLetters) {
        if (records.isEmpty()) {
            return;
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> fold.accept(records.stream()
                    .<Envelope<?>>map(KafkaRecord::getPayload).toList()));
        } catch (RuntimeException batchFailed) {
            if (records.size() == 1) {
                deadLetters.add(records.get(0).nack(batchFailed));
                return;
            }
            LOG.warnf("a batch of %d events on %s failed (%s); folding them one by one", records.size(),
                    records.get(0).getTopic(), batchFailed.toString());
            records.forEach(record -> inOneTransaction(List.of(record), fold, deadLetters));
        }
    }

    /** The channels do not fail on a record they cannot decode (the kit's convention): it arrives without a value. */
    private static InvalidEventException undecodable(KafkaRecord<String, Envelope<?>> record) {
        long offset = record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                .orElse(-1L);
        return new InvalidEventException(null, "", "record on " + record.getTopic() + " at offset " + offset
                + " is not a valid event");
    }
}
