package io.nais.pg.kit.outbox;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * One relay pass: claim pending rows, send them, delete what the broker acked,
 * all in one database transaction. Any number of senders (threads, replicas)
 * may run against the same table at once.
 */
public final class OutboxSender {

    private static final Logger LOG = Logger.getLogger(OutboxSender.class);

    /*
     * SKIP LOCKED lets concurrent relays claim disjoint rows. The NOT EXISTS keeps
     * a key's order: a row is sent only when no older row of its key is held by
     * someone else (another relay, or a gap in this claim); it waits for the next
     * pass instead. Row locks do not hide rows from the NOT EXISTS, only deletes
     * committed after the broker acked do.
     */
    private static final String CLAIM = """
            WITH claimed AS (
                SELECT id, seq, topic, record_key, payload
                FROM outbox_event
                ORDER BY seq
                LIMIT ?
                FOR UPDATE SKIP LOCKED
            )
            SELECT c.id, c.topic, c.record_key, c.payload
            FROM claimed c
            WHERE NOT EXISTS (
                SELECT 1 FROM outbox_event older
                WHERE older.record_key = c.record_key
                  AND older.seq < c.seq
                  AND older.id NOT IN (SELECT id FROM claimed))
            ORDER BY c.seq
            """;

    private static final String DELETE_SENT = "DELETE FROM outbox_event WHERE id = ANY (?)";

    private final DataSource dataSource;
    private final Producer<String, byte[]> producer;
    private final int batchSize;
    private final Duration sendTimeout;

    public OutboxSender(DataSource dataSource, Producer<String, byte[]> producer, int batchSize, Duration sendTimeout) {
        this.dataSource = dataSource;
        this.producer = producer;
        this.batchSize = batchSize;
        this.sendTimeout = sendTimeout;
    }

    /** A row as it leaves the table. */
    record PendingEvent(UUID id, String topic, String key, byte[] payload) {
    }

    /**
     * Relays one batch.
     *
     * @return the number of rows claimed; {@code batchSize} means more may be pending
     */
    public int relayBatch() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<PendingEvent> claimed = claim(connection);
                List<UUID> acked = send(claimed);
                deleteSent(connection, acked);
                connection.commit();
                return claimed.size();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private List<PendingEvent> claim(Connection connection) throws SQLException {
        List<PendingEvent> claimed = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(CLAIM)) {
            select.setInt(1, batchSize);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    claimed.add(new PendingEvent(rows.getObject(1, UUID.class), rows.getString(2),
                            rows.getString(3), rows.getBytes(4)));
                }
            }
        }
        return claimed;
    }

    /**
     * Sends in claim order (the idempotent producer keeps that order per
     * partition) and waits for every ack. Returns the ids to delete: those the
     * broker acked, except any that follow a failed row of the same key. Those
     * are sent again after the failed one, so the newest event of a key is
     * always the last one on the topic and converging consumers end right.
     */
    private List<UUID> send(List<PendingEvent> claimed) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(claimed.size());
        for (PendingEvent event : claimed) {
            acks.add(producer.send(new ProducerRecord<>(event.topic(), event.key(), event.payload())));
        }
        long deadline = System.nanoTime() + sendTimeout.toNanos();
        Set<String> failedKeys = new HashSet<>();
        List<UUID> done = new ArrayList<>(claimed.size());
        for (int i = 0; i < claimed.size(); i++) {
            PendingEvent event = claimed.get(i);
            if (awaitAck(event, acks.get(i), deadline) && !failedKeys.contains(event.key())) {
                done.add(event.id());
            } else {
                failedKeys.add(event.key());
            }
        }
        return done;
    }

    private static boolean awaitAck(PendingEvent event, Future<RecordMetadata> ack, long deadline) {
        try {
            ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("outbox event %s to %s not acked, will retry: %s", event.id(), event.topic(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void deleteSent(Connection connection, List<UUID> acked) throws SQLException {
        if (acked.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = connection.prepareStatement(DELETE_SENT)) {
            Array ids = connection.createArrayOf("uuid", acked.toArray());
            delete.setArray(1, ids);
            delete.executeUpdate();
        }
    }

    /** Rows not yet acked by the broker, for the pending gauge. */
    /** Seconds the oldest row has waited for the broker's ack; 0 when none waits. */
    public double oldestPendingAgeSeconds() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement age = connection.prepareStatement(
                     "SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0) FROM outbox_event");
             ResultSet row = age.executeQuery()) {
            row.next();
            return row.getDouble(1);
        }
    }

    public long pendingCount() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM outbox_event");
             ResultSet row = count.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }
}
