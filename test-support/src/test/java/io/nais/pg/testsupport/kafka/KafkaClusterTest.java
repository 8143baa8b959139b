package io.nais.pg.testsupport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.TeamMemberAdded;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link KafkaBroker#startCluster(int)}: three nodes, one quorum, a node killed and brought back. */
class KafkaClusterTest {

    static KafkaBroker kafka;

    @BeforeAll
    static void start() {
        kafka = KafkaBroker.startCluster(3);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void threeNodesShareOneQuorumAndReplicateTopicsThreeTimesWithTwoInSync() throws Exception {
        kafka.createTopics("replicated");

        assertThat(kafka.bootstrapServers().split(",")).hasSize(3);
        assertThat(kafka.pids()).hasSize(3).doesNotHaveDuplicates();
        try (var admin = kafka.admin()) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(3);
            assertThat(admin.describeMetadataQuorum().quorumInfo().get().voters()).hasSize(3);
            Map<String, TopicDescription> topics = admin.describeTopics(List.of("replicated", "__consumer_offsets"))
                    .allTopicNames().get();
            topics.values().forEach(topic -> assertThat(topic.partitions())
                    .allSatisfy(partition -> assertThat(partition.replicas()).as(topic.name()).hasSize(3)));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "replicated");
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("2");
        }
    }

    @Test
    void aKilledNodeLosesNoAcknowledgedEventAndComesBackOnItsStorage() {
        kafka.createTopics(EventTopic.TEAM_MEMBERSHIP.topicName());
        long killedPid = kafka.pid(1);
        String before = UUID.randomUUID() + "@example.com";
        String during = UUID.randomUUID() + "@example.com";
        try (TestEventBus events = new TestEventBus(kafka.bootstrapServers())) {
            events.publish(Envelope.of("test", new TeamMemberAdded("team-a", before)));

            kafka.kill(1);
            assertThat(ProcessHandle.of(killedPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(kafka.isRunning(1)).isFalse();
            // acks=all with two of three replicas in sync: acknowledged while the node is away
            events.publish(Envelope.of("test", new TeamMemberAdded("team-a", during)));
            assertThat(events.await(TeamMemberAdded.class, e -> e.email().equals(before), Duration.ofSeconds(30))).isNotNull();

            kafka.restart(1);
        }
        assertThat(kafka.isRunning(1)).isTrue();
        assertThat(kafka.pid(1)).isNotEqualTo(killedPid);
        // it rejoined on its storage and caught up with what it missed: every replica in sync again
        kafka.awaitFullyReplicated(Duration.ofSeconds(60));
        try (TestEventBus events = new TestEventBus(kafka.bootstrapServers())) {
            assertThat(events.await(TeamMemberAdded.class, e -> e.email().equals(during), Duration.ofSeconds(30))).isNotNull();
        }
    }
}
