package io.nais.pg.kit.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

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
        written.fire(new OutboxWritten(envelope.metadata().id()));
    }
}
