package io.nais.pg.kit.consumer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Predicate;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.Topics;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The consumer convention of service-kit/README.md, on {@link MembershipConsumer}:
 * poison and failed records go to {@code <topic>.dlq} with the reason in
 * headers, and the consumer goes on with the next record.
 */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true)
class DeadLetterQueueTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    DataSource dataSource;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    private TestEventBus events;

    @BeforeEach
    void openBus() {
        events = infra.events();
    }

    @AfterEach
    void closeBus() {
        events.close();
    }

    @Test
    void malformedRecordGoesToTheDlqWithItsReasonAndTheNextRecordIsProcessed() {
        double sentBefore = deadLettersSent();
        byte[] poison = ("{not json " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        Envelope<TeamMemberAdded> next = memberAdded("after-poison-" + UUID.randomUUID() + "@example.com");

        events.publishRaw(Topics.TEAM_MEMBERSHIP, "team-kit", poison);
        events.publish(next);

        awaitApplied(next);
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(record -> Arrays.equals(record.value(), poison));
        assertThat(header(dead, "dead-letter-reason")).contains("malformed JSON");
        assertThat(header(dead, "dead-letter-topic")).isEqualTo(Topics.TEAM_MEMBERSHIP);
        // what alert NaisPgDeadLetters (deploy/base/alerts.yaml) counts: the DLQ producer's sends
        assertThat(deadLettersSent()).isGreaterThan(sentBefore);
    }

    @Test
    void eventViolatingItsSchemaGoesToTheDlqNamingTheField() {
        String email = "schema-" + UUID.randomUUID() + "@example.com";
        byte[] invalid = EventCodec.encodeToString(memberAdded(email))
                .replace("\"email\":\"" + email + "\"", "\"email\":42").getBytes(StandardCharsets.UTF_8);
        Envelope<TeamMemberAdded> next = memberAdded("after-invalid-" + UUID.randomUUID() + "@example.com");

        events.publishRaw(Topics.TEAM_MEMBERSHIP, "team-kit", invalid);
        events.publish(next);

        awaitApplied(next);
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(record -> Arrays.equals(record.value(), invalid));
        assertThat(header(dead, "dead-letter-reason")).contains("/data/email");
    }

    @Test
    void handlerFailureRollsBackGoesToTheDlqAndTheNextRecordIsProcessed() throws SQLException {
        Envelope<TeamMemberAdded> refused = memberAdded(MembershipConsumer.REFUSED);
        Envelope<TeamMemberAdded> next = memberAdded("after-refused-" + UUID.randomUUID() + "@example.com");

        events.publish(refused);
        events.publish(next);

        awaitApplied(next);
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(record ->
                EventCodec.decode(record.value()).metadata().id().equals(refused.metadata().id()));
        assertThat(header(dead, "dead-letter-reason")).contains("refused by the test consumer");
        assertThat(applied(refused)).as("the failed handler's insert was rolled back").isFalse();
    }

    /**
     * The database going away mid-event is not the event's fault: the server ends the consumer's session inside
     * its transaction (57P01), the event is applied again in a new one, once, and is not dead-lettered (a
     * dead-lettered event's insert is rolled back, so its row would be missing).
     */
    @Test
    void anEventWhoseDatabaseSessionTheServerEndedIsAppliedAgainNotDeadLettered() throws SQLException {
        Envelope<TeamMemberAdded> interrupted = memberAdded(MembershipConsumer.SESSION_ENDED);
        Envelope<TeamMemberAdded> next = memberAdded("after-session-ended-" + UUID.randomUUID() + "@example.com");

        events.publish(interrupted);
        events.publish(next);

        awaitApplied(next);
        assertThat(rowsOf(interrupted)).as("applied once, after the session ended").isEqualTo(1);
    }

    /**
     * {@code kafka_producer_record_send_total} of the channel's dead-letter producer (client id
     * {@code [<replica>-]kafka-dead-letter-topic-producer-<consumer client id>}, SmallRye's naming) on the management port;
     * 0 before its first record, when the producer does not exist yet.
     */
    private double deadLettersSent() {
        String scraped = given().accept("text/plain").when().get(metrics).then().statusCode(200).extract().asString();
        return scraped.lines().filter(line -> line.startsWith("kafka_producer_record_send_total{")
                        && line.matches("kafka_producer_record_send_total\\{.*client_id=\"[^\"]*kafka-dead-letter-topic-producer-.*"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private ConsumerRecord<String, byte[]> awaitDeadLetter(Predicate<ConsumerRecord<String, byte[]>> matching) {
        return Awaitility.await().atMost(WAIT).until(
                () -> events.readAllRaw(Topics.TEAM_MEMBERSHIP_DLQ).stream().filter(r -> matchesQuietly(matching, r))
                        .findFirst().orElse(null),
                record -> record != null);
    }

    private static boolean matchesQuietly(Predicate<ConsumerRecord<String, byte[]>> matching,
                                          ConsumerRecord<String, byte[]> record) {
        try {
            return matching.test(record);
        } catch (RuntimeException notAnEvent) {
            return false;
        }
    }

    private void awaitApplied(Envelope<TeamMemberAdded> event) {
        Awaitility.await().atMost(WAIT).until(() -> applied(event));
    }

    private boolean applied(Envelope<?> event) throws SQLException {
        return rowsOf(event) > 0;
    }

    private int rowsOf(Envelope<?> event) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT count(*) FROM applied_member WHERE event_id = ?")) {
            select.setObject(1, event.metadata().id());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header %s", name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Envelope<TeamMemberAdded> memberAdded(String email) {
        return Envelope.of("kit-test", new TeamMemberAdded("team-kit", email));
    }
}
