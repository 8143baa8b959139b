package io.nais.pg.kit.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.events.InvalidEventException;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.process.FreePorts;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a consumer applies again and what it dead-letters, on failures a real PostgreSQL gives: the database
 * going away is never the events' fault; an event the database refuses is.
 */
class TransientFailureTest {

    private static PostgresCluster pg;

    @BeforeAll
    static void start() {
        pg = PostgresCluster.builder().name("transient").start();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void aSessionTheServerEndedIsTransientWrappedAsATransactionWouldWrapIt() throws Exception {
        try (Connection victim = pg.connect("postgres"); Connection admin = pg.connect("postgres")) {
            int pid = pid(victim);
            try (PreparedStatement end = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
                end.setInt(1, pid);
                end.execute();
            }
            SQLException ended = failureOf(victim, "SELECT 1");

            assertThat(ended.getSQLState()).as("admin shutdown, or the connection found closed").matches("57P01|08...");
            assertThat(TransientFailure.is(ended)).isTrue();
            assertThat(TransientFailure.is(new IllegalStateException("commit failed", new RuntimeException(ended))))
                    .isTrue();
            IllegalStateException rolledBack = new IllegalStateException("could not commit"); // as JTA reports it
            rolledBack.addSuppressed(new RuntimeException("commit of the local transaction failed", ended));
            assertThat(TransientFailure.is(rolledBack)).as("the driver's exception suppressed, not the cause").isTrue();
        }
    }

    @Test
    void aServerThatDoesNotAnswerIsTransient() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(FreePorts.HOST))) {
            closed = socket.getLocalPort();
        }
        SQLException refused = null;
        try (Connection ignored = pg.connectVia(closed, "postgres")) {
            // not reached: nothing listens there
        } catch (SQLException e) {
            refused = e;
        }

        assertThat(refused != null).as("the connection was refused").isTrue();
        assertThat(refused.getSQLState()).startsWith("08");
        assertThat(TransientFailure.is(refused)).isTrue();
    }

    @Test
    void whatTheDatabaseRefusesAndAnInvalidEventAreTheEventsOwn() throws Exception {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE seen (id int PRIMARY KEY)");
            st.execute("INSERT INTO seen VALUES (1)");
            SQLException duplicate = failureOf(c, "INSERT INTO seen VALUES (1)");

            assertThat(duplicate.getSQLState()).isEqualTo("23505");
            assertThat(TransientFailure.is(new IllegalStateException(duplicate))).isFalse();
        }
        assertThat(TransientFailure.is(new InvalidEventException(null, "", "not an event"))).isFalse();
    }

    @Test
    void thePauseGrowsAndStaysBounded() {
        assertThat(TransientFailure.pauseBefore(1).toMillis()).isEqualTo(100);
        assertThat(TransientFailure.pauseBefore(2).toMillis()).isEqualTo(200);
        assertThat(TransientFailure.pauseBefore(50).toMillis()).isEqualTo(5_000);
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static SQLException failureOf(Connection c, String sql) {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError(sql + " did not fail");
    }
}
