package io.nais.pg.testsupport.kafka;

import io.nais.pg.testsupport.process.ChildJvm;
import io.nais.pg.testsupport.process.FreePorts;
import io.nais.pg.testsupport.process.Reaper;
import io.nais.pg.testsupport.process.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real Apache Kafka broker (KRaft, combined broker and controller, one node)
 * in a child JVM on a free port of 127.0.0.1. Storage lives in a temporary
 * directory that {@link #close()} deletes.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.start()) {
 *     kafka.createTopics(List.of("my-topic"));
 *     ... kafka.bootstrapServers() ...
 * }
 * }</pre>
 */
public final class KafkaBroker implements AutoCloseable {

    private static final long START_TIMEOUT_MILLIS = 90_000;

    private final Path directory;
    private final int port;
    private volatile ChildJvm broker;
    /** How the broker was started, so {@link #restart()} can start it again on the same storage and port. */
    private volatile ChildJvm.Spec spec;

    private KafkaBroker(Path directory, int port, ChildJvm broker) {
        this.directory = directory;
        this.port = port;
        this.broker = broker;
    }

    /** Formats storage and starts the broker (one child JVM, see {@link FormatThenRun}); returns once it answers an admin request. */
    public static KafkaBroker start() {
        Path directory = TempDirs.create("kafka");
        try {
            int port = FreePorts.next();
            Path config = writeServerProperties(directory, port, FreePorts.next());
            Path logging = writeLogConfig(directory);
            ChildJvm.Spec spec = new ChildJvm.Spec("kafka", "kafka", FormatThenRun.class.getName(), "512m",
                    jvmArgs(logging), List.of(Uuid.randomUuid().toString(), config.toString()), Map.of(), directory);
            ChildJvm broker = ChildJvm.start(spec);
            KafkaBroker kafka = new KafkaBroker(directory, port, broker);
            kafka.spec = spec;
            Reaper.register(kafka);
            broker.awaitReady(kafka::answersAdminRequests, START_TIMEOUT_MILLIS);
            return kafka;
        } catch (RuntimeException e) {
            TempDirs.delete(directory);
            throw e;
        }
    }

    /** A handle on a broker another class loader of this JVM started; closing it is a no-op. */
    public static KafkaBroker attach(String bootstrapServers) {
        int port = Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
        return new KafkaBroker(null, port, null);
    }

    public String bootstrapServers() {
        return FreePorts.HOST + ":" + port;
    }

    /** Creates the topics (one partition, replication factor 1) unless they exist. */
    public void createTopics(Collection<String> names) {
        List<NewTopic> topics = names.stream().map(name -> new NewTopic(name, 1, (short) 1)).toList();
        try (Admin admin = admin()) {
            for (var result : admin.createTopics(topics).values().values()) {
                try {
                    result.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic", e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("creating topics timed out", e);
        }
    }

    public void createTopics(String... names) {
        createTopics(List.of(names));
    }

    /** An admin client for this broker; the caller closes it. */
    public Admin admin() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(properties);
    }

    /** The broker JVM's process id (a broker this handle started). */
    public long pid() {
        if (broker == null) {
            throw new IllegalStateException("only a broker this handle started has a process here");
        }
        return broker.pid();
    }

    /**
     * Stops the broker process but keeps its storage and port, to simulate an
     * outage; {@link #restart()} brings it back with every record it had.
     */
    public void stop() {
        if (spec == null) {
            throw new IllegalStateException("only a broker this handle started can be stopped");
        }
        broker.close();
    }

    /** Starts the broker again after {@link #stop()}, on the same storage and port; returns once it answers. */
    public void restart() {
        if (spec == null) {
            throw new IllegalStateException("only a broker this handle started can be restarted");
        }
        broker = ChildJvm.start(spec);
        broker.awaitReady(this::answersAdminRequests, START_TIMEOUT_MILLIS);
    }

    /** The broker's log file, for diagnosing a test. */
    public Path log() {
        return broker.log();
    }

    @Override
    public void close() {
        if (broker == null) {
            return;
        }
        Reaper.deregister(this);
        broker.close();
        TempDirs.delete(directory);
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + "]";
    }

    private boolean answersAdminRequests() {
        if (!FreePorts.accepts(port)) {
            return false;
        }
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
        try (Admin admin = Admin.create(properties)) {
            return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private static List<String> jvmArgs(Path logging) {
        return List.of("-Dlog4j2.configurationFile=" + logging, "-Dkafka.logs.dir=" + logging.getParent());
    }

    private static Path writeServerProperties(Path directory, int port, int controllerPort) {
        String config = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + FreePorts.HOST + ":" + controllerPort,
                "listeners=PLAINTEXT://" + FreePorts.HOST + ":" + port + ",CONTROLLER://" + FreePorts.HOST + ":" + controllerPort,
                "advertised.listeners=PLAINTEXT://" + FreePorts.HOST + ":" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + directory.resolve("data"),
                "num.partitions=1",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "offsets.topic.replication.factor=1",
                // fewer internal partitions: creating 50 costs seconds on a cold broker
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=3",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "");
        return write(directory.resolve("server.properties"), config);
    }

    /** Warnings only: the broker's INFO output is large and slows start-up. */
    private static Path writeLogConfig(Path directory) {
        String config = String.join("\n",
                "status = warn",
                "appender.out.type = Console",
                "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%c{1}] %m%n",
                "rootLogger.level = warn",
                "rootLogger.appenderRef.out.ref = out",
                "logger.server.name = kafka.server.KafkaRaftServer",
                "logger.server.level = info",
                "");
        return write(directory.resolve("log4j2.properties"), config);
    }

    private static Path write(Path file, String content) {
        try {
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
