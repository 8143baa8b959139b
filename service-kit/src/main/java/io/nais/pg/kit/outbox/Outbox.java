package io.nais.pg.kit.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;

/**
 * The only way a service emits an event: a row in {@code outbox_event},
 * written in the caller's transaction. The {@link OutboxRelay} sends it to
 * Kafka after the commit, so an event goes out if and only if the change it
 * announces was committed.
 */
@ApplicationScoped
public class Outbox {

    private static final String INSERT = """
            INSERT INTO outbox_event (id, topic, record_key, payload) VALUES (?, ?, ?, ?)
            """;

    /** Rows per multi-row insert: 4 parameters a row stays far below PostgreSQL's 65,535 bind limit. */
    static final int ROWS_PER_INSERT = 1000;

    private final DataSource dataSource;
    private final Event<OutboxWritten> written;

    Outbox(DataSource dataSource, Event<OutboxWritten> written) {
        this.dataSource = dataSource;
        this.written = written;
    }

    /**
     * Queues the event for its topic, keyed by its aggregate id.
     *
     * @throws jakarta.transaction.TransactionalException when called outside a transaction
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(Envelope<?> envelope) {
        byte[] payload = EventCodec.encode(envelope);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setObject(1, envelope.metadata().id());
            insert.setString(2, envelope.topic().topicName());
            insert.setString(3, envelope.key());
            insert.setBytes(4, payload);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not queue " + envelope.type() + " " + envelope.metadata().id(), e);
        }
        written.fire(new OutboxWritten(List.of(envelope.type())));
    }

    /**
     * Queues the events in their order, as {@link #publish} would one by one, but in one multi-row insert
     * (per {@value #ROWS_PER_INSERT} events): a caller announcing many changes pays one round trip, not one
     * per event. The relay is woken once, after the commit.
     *
     * @throws jakarta.transaction.TransactionalException when called outside a transaction
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void publishAll(List<? extends Envelope<?>> envelopes) {
        if (envelopes.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            for (int from = 0; from < envelopes.size(); from += ROWS_PER_INSERT) {
                insertRows(connection, envelopes.subList(from, Math.min(envelopes.size(), from + ROWS_PER_INSERT)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not queue " + envelopes.size() + " events", e);
        }
        written.fire(new OutboxWritten(envelopes.stream().<String>map(Envelope::type).toList()));
    }

    /** One INSERT with a VALUES row per event; rows get their relay order ({@code seq}) in list order. */
    private static void insertRows(Connection connection, List<? extends Envelope<?>> rows) throws SQLException {
        String sql = "INSERT INTO outbox_event (id, topic, record_key, payload) VALUES "
                + String.join(", ", Collections.nCopies(rows.size(), "(?, ?, ?, ?)"));
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            int p = 0;
            for (Envelope<?> envelope : rows) {
                insert.setObject(++p, envelope.metadata().id());
                insert.setString(++p, envelope.topic().topicName());
                insert.setString(++p, envelope.key());
                insert.setBytes(++p, EventCodec.encode(envelope));
            }
            insert.executeUpdate();
        }
    }
}
