package io.nais.pg.kit.inbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nais.pg.events.Envelope;
import io.nais.pg.kit.transaction.AfterCommit;

/**
 * Remembers which events a consumer has applied, so a redelivered event is
 * recognised and skipped. Every consumer of every service records here, so
 * this is also where {@code nais_events_processed_total{consumer}} counts the
 * events applied, once their transaction committed (the consumer names are
 * constants: a few series per service).
 */
@ApplicationScoped
public class Inbox {

    private static final String RECORD = """
            INSERT INTO processed_event (event_id, consumer) VALUES (?, ?)
            ON CONFLICT (event_id, consumer) DO NOTHING
            """;
    private static final String RECORD_ALL = """
            INSERT INTO processed_event (event_id, consumer)
            SELECT DISTINCT event_id, ?::text FROM unnest(?::uuid[]) AS e(event_id) ORDER BY event_id
            ON CONFLICT (event_id, consumer) DO NOTHING
            RETURNING event_id
            """;

    static final String PROCESSED = "nais.events.processed";

    private final DataSource dataSource;
    private final MeterRegistry meters;
    private final AfterCommit afterCommit;
    private final Map<String, Counter> processed = new ConcurrentHashMap<>();

    Inbox(DataSource dataSource, MeterRegistry meters, AfterCommit afterCommit) {
        this.dataSource = dataSource;
        this.meters = meters;
        this.afterCommit = afterCommit;
    }

    /**
     * Records that {@code consumer} processes {@code eventId} now.
     *
     * <p>Must run inside the handler's transaction: the row commits or rolls back
     * together with the handler's effect, so a failed handler leaves the event
     * unprocessed and a committed one is never applied twice.
     *
     * @return {@code true} the first time, {@code false} for a duplicate delivery
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean firstDelivery(UUID eventId, String consumer) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(RECORD)) {
            insert.setObject(1, eventId);
            insert.setString(2, consumer);
            boolean first = insert.executeUpdate() == 1;
            if (first) {
                countAfterCommit(consumer, 1);
            }
            return first;
        } catch (SQLException e) {
            throw new IllegalStateException("could not record event " + eventId + " for " + consumer, e);
        }
    }

    /**
     * Records that {@code consumer} processes all of {@code eventIds} now, in one statement: the batch form of
     * {@link #firstDelivery}, with the same guarantees (inside the handler's transaction; a concurrent duplicate
     * waits on the first one's row lock and then counts as seen). An id given twice is a first delivery once.
     *
     * @return the ids seen for the first time; the others are duplicate deliveries
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Set<UUID> firstDeliveries(Collection<UUID> eventIds, String consumer) {
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        // sorted (ORDER BY), so two batches sharing ids lock their rows in one order and cannot deadlock
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(RECORD_ALL)) {
            insert.setString(1, consumer);
            insert.setArray(2, connection.createArrayOf("uuid", new LinkedHashSet<>(eventIds).toArray()));
            Set<UUID> first = new HashSet<>();
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    first.add(rs.getObject(1, UUID.class));
                }
            }
            countAfterCommit(consumer, first.size());
            return first;
        } catch (SQLException e) {
            throw new IllegalStateException("could not record " + eventIds.size() + " events for " + consumer, e);
        }
    }

    /**
     * The envelopes of a polled batch that {@code consumer} has not applied before, in the batch's order and each
     * once (a duplicate later in the batch is dropped): {@link #firstDeliveries} for a batch of envelopes.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Envelope<?>> firstDeliveriesOf(List<? extends Envelope<?>> envelopes, String consumer) {
        Set<UUID> first = new HashSet<>(firstDeliveries(
                envelopes.stream().map(envelope -> envelope.metadata().id()).toList(), consumer));
        return envelopes.stream().<Envelope<?>>map(envelope -> envelope)
                .filter(envelope -> first.remove(envelope.metadata().id())).toList();
    }

    /**
     * Counts {@code events} as applied by {@code consumer} once the transaction commits, for events it keeps from
     * applying twice by a key of its own instead of an inbox row (the console's audit store: its unique event id).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void countApplied(String consumer, int events) {
        countAfterCommit(consumer, events);
    }

    private void countAfterCommit(String consumer, int events) {
        if (events == 0) {
            return;
        }
        Counter counter = processed.computeIfAbsent(consumer, name -> Counter.builder(PROCESSED).tag("consumer", name)
                .description("events a consumer applied (first deliveries, committed)").register(meters));
        afterCommit.run(() -> counter.increment(events));
    }
}
