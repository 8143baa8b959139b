package io.nais.pg.kit.inbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * Remembers which events a consumer has applied, so a redelivered event is
 * recognised and skipped.
 */
@ApplicationScoped
public class Inbox {

    private static final String RECORD = """
            INSERT INTO processed_event (event_id, consumer) VALUES (?, ?)
            ON CONFLICT (event_id, consumer) DO NOTHING
            """;

    private final DataSource dataSource;

    Inbox(DataSource dataSource) {
        this.dataSource = dataSource;
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
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not record event " + eventId + " for " + consumer, e);
        }
    }
}
