package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.nais.pg.events.EventTopic;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every topic the code uses, and its dead-letter topic, is a Strimzi KafkaTopic; audit topics keep a year. */
class KafkaTopicsTest {

    /**
     * The audit trail: who was in a team, who had access and what they ran, who granted DBA access, and
     * whether the data was backed up and restorable (console-sync-service's audit store folds these).
     */
    static final Set<EventTopic> AUDIT = Set.of(EventTopic.TEAM_MEMBERSHIP, EventTopic.ACCESS, EventTopic.DBA_GRANTS,
            EventTopic.BACKUPS);
    static final Duration AUDIT_RETENTION = Duration.ofDays(365);

    static Stream<RenderedOverlay> overlays() {
        return KustomizeOverlaysTest.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyEventTopicAndItsDeadLetterTopicHasAKafkaTopic(RenderedOverlay overlay) {
        Map<String, GenericKubernetesResource> topics = topicsByName(overlay);
        for (EventTopic topic : EventTopic.values()) {
            assertThat(topics).containsKeys(topic.topicName(), topic.dlqTopicName());
        }
        assertThat(topics.values()).allSatisfy(t -> {
            assertThat(t.getMetadata().getLabels()).containsKey("strimzi.io/cluster");
            assertThat(((Number) spec(t).get("partitions")).intValue()).isPositive();
            assertThat(((Number) spec(t).get("replicas")).intValue()).isPositive();
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void auditTopicsAndTheirDeadLettersAreKeptAtLeastAYear(RenderedOverlay overlay) {
        Map<String, GenericKubernetesResource> topics = topicsByName(overlay);
        for (EventTopic topic : AUDIT) {
            for (String name : new String[] {topic.topicName(), topic.dlqTopicName()}) {
                Map<?, ?> config = (Map<?, ?>) spec(topics.get(name)).get("config");
                assertThat(config.get("cleanup.policy")).as(name).isEqualTo("delete");
                long retentionMs = Long.parseLong(String.valueOf(config.get("retention.ms")));
                assertThat(retentionMs == -1 || retentionMs >= AUDIT_RETENTION.toMillis())
                        .as(name + " retention.ms=" + retentionMs + " (at least " + AUDIT_RETENTION.toMillis() + " or -1)")
                        .isTrue();
            }
        }
    }

    static Map<String, GenericKubernetesResource> topicsByName(RenderedOverlay overlay) {
        return overlay.custom("KafkaTopic").stream()
                .collect(Collectors.toMap(t -> String.valueOf(spec(t).get("topicName")), Function.identity()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource topic) {
        return (Map<String, Object>) topic.getAdditionalProperties().get("spec");
    }
}
