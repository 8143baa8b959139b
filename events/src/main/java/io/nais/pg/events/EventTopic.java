package io.nais.pg.events;

import java.util.Arrays;
import java.util.Optional;

/** The platform's topics. A breaking change to an event gets a new {@code .vN} topic. */
public enum EventTopic {

    /** Key: team. */
    TEAM_MEMBERSHIP(Topics.TEAM_MEMBERSHIP),
    /** Key: cluster id. */
    CLUSTERS(Topics.CLUSTERS),
    /** Key: cluster id. */
    ACCESS(Topics.ACCESS),
    /** Key: cluster id. Provisioning to every gateway replica: whose access ended (short retention). */
    ACCESS_REVOCATIONS(Topics.ACCESS_REVOCATIONS),
    /** Key: grant id. */
    DBA_GRANTS(Topics.DBA_GRANTS),
    /** Key: cluster id. */
    BACKUPS(Topics.BACKUPS),
    /** Key: cluster id (the target of the migration). */
    MIGRATIONS(Topics.MIGRATIONS);

    private final String topicName;

    EventTopic(String topicName) {
        this.topicName = topicName;
    }

    public String topicName() {
        return topicName;
    }

    /** Where a consumer parks the events it cannot process. */
    public String dlqTopicName() {
        return topicName + Topics.DLQ_SUFFIX;
    }

    public static Optional<EventTopic> byTopicName(String topicName) {
        return Arrays.stream(values()).filter(topic -> topic.topicName.equals(topicName)).findFirst();
    }
}
