package io.nais.pg.testsupport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.TeamMemberAdded;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    static KafkaBroker kafka;
    static TestEventBus events;

    @BeforeAll
    static void start() {
        kafka = KafkaBroker.start();
        events = new TestEventBus(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        events.close();
        kafka.close();
    }

    @Test
    void envelopeRoundTripsThroughTheBrokerWithTheRealCodec() {
        kafka.createTopics(EventTopic.TEAM_MEMBERSHIP.topicName());
        String email = UUID.randomUUID() + "@example.com";
        Envelope<TeamMemberAdded> sent = Envelope.of("test", new TeamMemberAdded("team-a", email));

        events.publish(sent);
        Envelope<TeamMemberAdded> received = events.await(TeamMemberAdded.class, e -> e.email().equals(email), Duration.ofSeconds(20));

        assertThat(received).isEqualTo(sent);
        assertThat(events.readAllRaw(EventTopic.TEAM_MEMBERSHIP.topicName()))
                .anySatisfy(record -> assertThat(record.key()).isEqualTo("team-a"));
    }

    @Test
    void topicsAreCreatedWithOnePartitionAndCreatingThemTwiceIsHarmless() throws Exception {
        kafka.createTopics("created-twice", "created-twice.dlq");
        kafka.createTopics("created-twice");

        try (var admin = kafka.admin()) {
            var description = admin.describeTopics(java.util.List.of("created-twice")).allTopicNames().get().get("created-twice");
            assertThat(description.partitions()).hasSize(1);
            assertThat(admin.listTopics().names().get()).contains("created-twice", "created-twice.dlq");
        }
    }

    @Test
    void closingStopsTheBrokerProcessAndDeletesItsData() throws Exception {
        KafkaBroker second = KafkaBroker.start();
        Path directory = second.log().getParent();
        String bootstrap = second.bootstrapServers();
        int port = Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1));

        second.close();

        assertThat(Files.exists(directory)).isFalse();
        assertThat(io.nais.pg.testsupport.process.FreePorts.accepts(port)).isFalse();
    }
}
