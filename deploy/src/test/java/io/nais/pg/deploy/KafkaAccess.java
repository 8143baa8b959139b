package io.nais.pg.deploy;

import io.nais.pg.events.EventType;
import io.nais.pg.events.EventTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Kafka ACLs a service needs, read from the repository: its incoming channels' topics (Describe,
 * Read) and consumer groups (Read), the dead-letter topics of those channels and any outgoing channel
 * (Describe, Write), and the topics of the events its main sources construct, which it publishes
 * through the outbox (Describe, Write).
 */
final class KafkaAccess {

    record Acl(String resourceType, String name, String operation) implements Comparable<Acl> {
        @Override
        public int compareTo(Acl other) {
            return toString().compareTo(other.toString());
        }
    }

    private static final Pattern CHANNEL_KEY = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.(topic|dead-letter-queue\\.topic)");
    private static final Pattern CONSTRUCTED = Pattern.compile("new\\s+(\\w+)\\s*\\(");
    private static final String DEFAULT_GROUP = "mp.messaging.connector.smallrye-kafka.group.id";

    private KafkaAccess() {
    }

    static Set<Acl> needed(String service) {
        Properties prod = ServiceConfig.prodView(Repository.read(ServiceConfig.applicationProperties(service)));
        Set<Acl> acls = new TreeSet<>();
        for (String key : prod.stringPropertyNames()) {
            Matcher channel = CHANNEL_KEY.matcher(key);
            if (!channel.matches()) {
                continue;
            }
            String topic = prod.getProperty(key);
            if (channel.group(1).equals("incoming") && channel.group(3).equals("topic")) {
                topic(acls, topic, "Read");
                String group = prod.getProperty("mp.messaging.incoming." + channel.group(2) + ".group.id",
                        prod.getProperty(DEFAULT_GROUP, channel.group(2)));
                acls.add(new Acl("group", group, "Read"));
            } else {
                topic(acls, topic, "Write");
            }
        }
        publishedTopics(service).forEach(topic -> topic(acls, topic, "Write"));
        return acls;
    }

    /** The topics of the registered events the service's main sources construct. */
    static Set<String> publishedTopics(String service) {
        Map<String, EventType> bySimpleName = EventTypes.all().stream()
                .collect(Collectors.toMap(type -> type.javaClass().getSimpleName(), Function.identity()));
        Set<String> topics = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Repository.ROOT.resolve(service).resolve("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher constructed = CONSTRUCTED.matcher(Repository.read(file));
                while (constructed.find()) {
                    EventType type = bySimpleName.get(constructed.group(1));
                    if (type != null) {
                        topics.add(type.topic().topicName());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return topics;
    }

    private static void topic(Set<Acl> acls, String topic, String operation) {
        acls.add(new Acl("topic", topic, "Describe"));
        acls.add(new Acl("topic", topic, operation));
    }
}
