package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.nais.pg.events.EventTopic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every topic the code uses, and its dead-letter topic, is a Strimzi KafkaTopic; audit topics keep a
 * year; topics and users live where Strimzi's operators watch; each service's KafkaUser grants
 * exactly what its channels and events need.
 */
class KafkaTopicsTest {

    /**
     * The audit trail: who was in a team, who had access and what they ran, who granted DBA access, and
     * whether the data was backed up and restorable (console-sync-service's audit store folds these).
     */
    static final Set<EventTopic> AUDIT = Set.of(EventTopic.TEAM_MEMBERSHIP, EventTopic.ACCESS, EventTopic.DBA_GRANTS,
            EventTopic.BACKUPS);
    static final Duration AUDIT_RETENTION = Duration.ofDays(365);
    /** Strimzi's bootstrap Service: {@code <cluster>-kafka-bootstrap.<namespace>.svc}. */
    private static final Pattern STRIMZI_BOOTSTRAP = Pattern.compile("^([a-z0-9-]+)-kafka-bootstrap\\.([a-z0-9-]+)\\.svc");

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

    @ParameterizedTest
    @MethodSource("overlays")
    void topicsAndUsersLiveInTheKafkaClustersNamespaceWhereStrimziWatches(RenderedOverlay overlay) {
        String bootstrap = ProvidedConfig.of(overlay, overlay.deployment(KustomizeOverlaysTest.SERVICES.get(0))).literals()
                .get("KAFKA_BOOTSTRAP_SERVERS");
        Matcher service = STRIMZI_BOOTSTRAP.matcher(bootstrap);
        assertThat(service.find()).as("a Strimzi bootstrap service: " + bootstrap).isTrue();
        Stream.concat(overlay.custom("KafkaTopic").stream(), overlay.custom("KafkaUser").stream()).forEach(resource -> {
            assertThat(resource.getMetadata().getNamespace()).as(resource.getKind() + " " + resource.getMetadata().getName())
                    .isEqualTo(service.group(2));
            assertThat(resource.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", service.group(1));
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceHasATlsKafkaUserWithExactlyTheAclsItsChannelsAndEventsNeed(RenderedOverlay overlay) {
        Map<String, GenericKubernetesResource> users = overlay.custom("KafkaUser").stream()
                .collect(Collectors.toMap(u -> u.getMetadata().getName(), Function.identity()));
        Set<String> topics = topicsByName(overlay).keySet();
        for (String service : KustomizeOverlaysTest.SERVICES) {
            String user = clientCertificateSecret(overlay, service);
            assertThat(users).as(service + " mounts the Secret of KafkaUser " + user).containsKey(user);
            Map<String, Object> spec = spec(users.get(user));
            assertThat(((Map<?, ?>) spec.get("authentication")).get("type")).isEqualTo("tls");
            Map<?, ?> authorization = (Map<?, ?>) spec.get("authorization");
            assertThat(authorization.get("type")).isEqualTo("simple");
            Set<KafkaAccess.Acl> granted = acls((List<?>) authorization.get("acls"));
            assertThat(granted).as(overlay + "/" + service).containsExactlyInAnyOrderElementsOf(KafkaAccess.needed(service));
            assertThat(granted).filteredOn(acl -> acl.resourceType().equals("topic"))
                    .allSatisfy(acl -> assertThat(topics).contains(acl.name()));
        }
    }

    @Test
    void theNeededAclsComeFromTheChannelsAndTheConstructedEvents() {
        // guards the derivation itself: if it found nothing, the check above would compare two empty sets
        assertThat(KafkaAccess.needed("access-provisioning")).contains(
                new KafkaAccess.Acl("topic", EventTopic.TEAM_MEMBERSHIP.topicName(), "Read"),
                new KafkaAccess.Acl("topic", EventTopic.TEAM_MEMBERSHIP.dlqTopicName(), "Write"),
                new KafkaAccess.Acl("topic", EventTopic.ACCESS.topicName(), "Write"),
                new KafkaAccess.Acl("topic", EventTopic.ACCESS_REVOCATIONS.topicName(), "Write"),
                new KafkaAccess.Acl("group", "access-service", "Read"));
        assertThat(KafkaAccess.needed("access-provisioning"))
                .doesNotContain(new KafkaAccess.Acl("topic", EventTopic.BACKUPS.topicName(), "Read"),
                        new KafkaAccess.Acl("topic", EventTopic.ACCESS_REVOCATIONS.topicName(), "Read"));
        // the gateway: revocations in a group per replica, statement audit; none of provisioning's topics
        assertThat(KafkaAccess.needed("access-gateway")).containsExactlyInAnyOrder(
                new KafkaAccess.Acl("topic", EventTopic.ACCESS_REVOCATIONS.topicName(), "Describe"),
                new KafkaAccess.Acl("topic", EventTopic.ACCESS_REVOCATIONS.topicName(), "Read"),
                new KafkaAccess.Acl("group", "access-gateway-*", "Read"),
                new KafkaAccess.Acl("topic", EventTopic.ACCESS.topicName(), "Describe"),
                new KafkaAccess.Acl("topic", EventTopic.ACCESS.topicName(), "Write"));
        assertThat(KafkaAccess.publishedTopics("console-sync-service"))
                .containsExactlyInAnyOrder(EventTopic.CLUSTERS.topicName(), EventTopic.TEAM_MEMBERSHIP.topicName());
    }

    /** The Secret mounted at the Kafka client path is the KafkaUser's (Strimzi names it after the user). */
    private static String clientCertificateSecret(RenderedOverlay overlay, String service) {
        var pod = overlay.deployment(service).getSpec().getTemplate().getSpec();
        String volume = pod.getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/var/run/secrets/kafka/client")).findFirst()
                .orElseThrow(() -> new AssertionError(service + ": no Kafka client certificate mount")).getName();
        return pod.getVolumes().stream().filter(v -> v.getName().equals(volume)).findFirst()
                .orElseThrow().getSecret().getSecretName();
    }

    private static Set<KafkaAccess.Acl> acls(List<?> rules) {
        Set<KafkaAccess.Acl> acls = new TreeSet<>();
        for (Object rule : rules) {
            Map<?, ?> resource = (Map<?, ?>) ((Map<?, ?>) rule).get("resource");
            // a prefix only for the gateway's per-replica consumer groups (written name-*)
            boolean prefixedGroup = "prefix".equals(resource.get("patternType")) && "group".equals(resource.get("type"));
            assertThat(prefixedGroup || "literal".equals(resource.get("patternType")))
                    .as("no prefixed or wildcard ACLs but a group prefix: " + resource).isTrue();
            String name = (String) resource.get("name") + (prefixedGroup ? "*" : "");
            for (Object operation : (List<?>) ((Map<?, ?>) rule).get("operations")) {
                acls.add(new KafkaAccess.Acl((String) resource.get("type"), name, (String) operation));
            }
        }
        return acls;
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
