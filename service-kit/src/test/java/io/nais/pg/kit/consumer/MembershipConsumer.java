package io.nais.pg.kit.consumer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.kit.inbox.Inbox;
import io.nais.pg.kit.inbox.UntilTheDatabaseAnswers;
import io.nais.pg.kit.logging.LogContext;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * The kit test application's consumer, written exactly as the README tells
 * services to write theirs. A member named {@link #REFUSED} makes it throw, to
 * prove that a handler failure goes to the dead-letter topic; the first delivery
 * of a member named {@link #SESSION_ENDED} has the server end the consumer's own
 * database session mid-transaction (57P01), as a restart or failover of the
 * database would.
 */
@ApplicationScoped
public class MembershipConsumer {

    public static final String CHANNEL = "team-membership";
    public static final String REFUSED = "refused@example.com";
    public static final String SESSION_ENDED = "session-ended@example.com";

    private final Set<UUID> sessionEndedOnce = ConcurrentHashMap.newKeySet();

    private final Inbox inbox;
    private final DataSource dataSource;

    MembershipConsumer(Inbox inbox, DataSource dataSource) {
        this.inbox = inbox;
        this.dataSource = dataSource;
    }

    @Incoming(CHANNEL)
    @Blocking
    @UntilTheDatabaseAnswers
    @Transactional
    void on(Envelope<?> envelope) throws SQLException {
        if (!inbox.firstDelivery(envelope.metadata().id(), "kit-test.team-membership")) {
            return;
        }
        if (envelope.data() instanceof TeamMemberAdded added) {
            try (var log = LogContext.forEvent(envelope).team(added.team())) {
                apply(envelope, added);
            }
        }
    }

    private void apply(Envelope<?> envelope, TeamMemberAdded added) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO applied_member (event_id, team, email) VALUES (?, ?, ?)")) {
            insert.setObject(1, envelope.metadata().id());
            insert.setString(2, added.team());
            insert.setString(3, added.email());
            insert.executeUpdate();
        }
        if (SESSION_ENDED.equals(added.email()) && sessionEndedOnce.add(envelope.metadata().id())) {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement end = connection.prepareStatement("SELECT pg_terminate_backend(pg_backend_pid())")) {
                end.execute();
            }
        }
        if (REFUSED.equals(added.email())) {
            throw new IllegalStateException("member " + added.email() + " refused by the test consumer");
        }
    }
}
