package io.nais.pg.deploy;

import io.nais.pg.events.EventType;
import io.nais.pg.events.EventTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
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
    private static final String MODE = "nais.access.mode";
    /** A consumer group unique per process: one prefixed ACL covers them. */
    private static final String UNIQUE = "${quarkus.uuid}";
    private static final Pattern INNERMOST = Pattern.compile("\\$\\{([^${}]+)}");

    private KafkaAccess() {
    }

    static Set<Acl> needed(String service) {
        Properties prod = ServiceConfig.prodView(Repository.read(ServiceConfig.applicationProperties(service)));
        mode(service).ifPresent(mode -> prod.setProperty(MODE, mode));
        Set<Acl> acls = new TreeSet<>();
        for (String key : prod.stringPropertyNames()) {
            Matcher channel = CHANNEL_KEY.matcher(key);
            if (!channel.matches() || "false".equals(resolved(prod,
                    "mp.messaging." + channel.group(1) + "." + channel.group(2) + ".enabled"))) {
                continue;
            }
            String topic = prod.getProperty(key);
            if (channel.group(1).equals("incoming") && channel.group(3).equals("topic")) {
                topic(acls, topic, "Read");
                String group = prod.getProperty("mp.messaging.incoming." + channel.group(2) + ".group.id",
                        prod.getProperty(DEFAULT_GROUP, channel.group(2)));
                acls.add(new Acl("group", group.replace(UNIQUE, "*"), "Read"));
            } else {
                topic(acls, topic, "Write");
            }
        }
        publishedTopics(service).forEach(topic -> topic(acls, topic, "Write"));
        return acls;
    }

    /** The run mode of access-service's two Deployments (their NAIS_ACCESS_MODE); none for the others. */
    static Optional<String> mode(String service) {
        return switch (service) {
            case "access-gateway" -> Optional.of("gateway");
            case "access-provisioning" -> Optional.of("provisioning");
            default -> Optional.empty();
        };
    }

    /** A property with its {@code ${...}} expressions expanded, innermost first (null when absent). */
    static String resolved(Properties properties, String key) {
        String value = properties.getProperty(key);
        while (value != null) {
            Matcher expression = INNERMOST.matcher(value);
            if (!expression.find()) {
                return value;
            }
            String inner = properties.getProperty(expression.group(1));
            if (inner == null) {
                return value;
            }
            value = value.substring(0, expression.start()) + inner + value.substring(expression.end());
        }
        return null;
    }

    /** The topics of the registered events the service's main sources construct. */
    static Set<String> publishedTopics(String service) {
        Map<String, EventType> bySimpleName = EventTypes.all().stream()
                .collect(Collectors.toMap(type -> type.javaClass().getSimpleName(), Function.identity()));
        Set<String> topics = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Repository.ROOT.resolve(Repository.module(service)).resolve("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).filter(f -> runsIn(service, f)).toList()) {
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

    /** access-gateway runs the gateway package; access-provisioning everything else of access-service. */
    private static boolean runsIn(String service, Path file) {
        boolean gateway = file.toString().contains("/io/nais/pg/access/gateway/");
        return switch (service) {
            case "access-gateway" -> gateway;
            case "access-provisioning" -> !gateway;
            default -> true;
        };
    }

    private static void topic(Set<Acl> acls, String topic, String operation) {
        acls.add(new Acl("topic", topic, "Describe"));
        acls.add(new Acl("topic", topic, operation));
    }
}
