package io.nais.pg.kit.consumer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.kit.inbox.Inbox;
import io.nais.pg.kit.logging.LogContext;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * The kit test application's consumer, written exactly as the README tells
 * services to write theirs. A member named {@link #REFUSED} makes it throw, to
 * prove that a handler failure goes to the dead-letter topic.
 */
@ApplicationScoped
public class MembershipConsumer {

    public static final String CHANNEL = "team-membership";
    public static final String REFUSED = "refused@example.com";

    private final Inbox inbox;
    private final DataSource dataSource;

    MembershipConsumer(Inbox inbox, DataSource dataSource) {
        this.inbox = inbox;
        this.dataSource = dataSource;
    }

    @Incoming(CHANNEL)
    @Blocking
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
        if (REFUSED.equals(added.email())) {
            throw new IllegalStateException("member " + added.email() + " refused by the test consumer");
        }
    }
}
