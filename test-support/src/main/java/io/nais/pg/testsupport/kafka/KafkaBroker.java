package io.nais.pg.testsupport.kafka;

import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.testsupport.process.ChildJvm;
import io.nais.pg.testsupport.process.FreePorts;
import io.nais.pg.testsupport.process.Reaper;
import io.nais.pg.testsupport.process.TempDirs;
import io.nais.pg.testsupport.tls.Pkcs12;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
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
    /** The TLS listener's port, or 0 when the broker has none ({@link #startWithTls}). */
    private final int tlsPort;
    private volatile ChildJvm broker;
    /** How the broker was started, so {@link #restart()} can start it again on the same storage and port. */
    private volatile ChildJvm.Spec spec;

    private KafkaBroker(Path directory, int port, int tlsPort, ChildJvm broker) {
        this.directory = directory;
        this.port = port;
        this.tlsPort = tlsPort;
        this.broker = broker;
    }

    /** Formats storage and starts the broker (one child JVM, see {@link FormatThenRun}); returns once it answers an admin request. */
    public static KafkaBroker start() {
        return start(null);
    }

    /**
     * A broker with a second listener, {@code SSL}, as Strimzi's TLS listener: it presents {@code server}
     * (whose SANs must name {@link FreePorts#HOST}, clients verify the host) and requires a client
     * certificate issued by {@code clientCa}. {@link #tlsBootstrapServers()} names it; the plaintext
     * listener stays for the test's own admin client.
     */
    public static KafkaBroker startWithTls(IssuedCertificate server, X509Certificate clientCa) {
        return start(new TlsListener(server, clientCa));
    }

    private record TlsListener(IssuedCertificate server, X509Certificate clientCa) {
    }

    private static KafkaBroker start(TlsListener tls) {
        Path directory = TempDirs.create("kafka");
        try {
            int port = FreePorts.next();
            int tlsPort = tls == null ? 0 : FreePorts.next();
            String tlsListener = tls == null ? "" : ",SSL://" + FreePorts.HOST + ":" + tlsPort;
            String tlsSettings = tls == null ? "" : tlsSettings(directory, tls);
            Path config = writeServerProperties(directory, port, FreePorts.next(), tlsListener, tlsSettings);
            Path logging = writeLogConfig(directory);
            ChildJvm.Spec spec = new ChildJvm.Spec("kafka", "kafka", FormatThenRun.class.getName(), "512m",
                    jvmArgs(logging), List.of(Uuid.randomUuid().toString(), config.toString()), Map.of(), directory);
            ChildJvm broker = ChildJvm.start(spec);
            KafkaBroker kafka = new KafkaBroker(directory, port, tlsPort, broker);
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
        return new KafkaBroker(null, port, 0, null);
    }

    public String bootstrapServers() {
        return FreePorts.HOST + ":" + port;
    }

    /** The TLS listener of a broker {@link #startWithTls started with one}. */
    public String tlsBootstrapServers() {
        if (tlsPort == 0) {
            throw new IllegalStateException("this broker has no TLS listener: start it with startWithTls");
        }
        return FreePorts.HOST + ":" + tlsPort;
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

    /**
     * The SSL listener's lines: the broker's key store and the client CA's trust store as PKCS#12
     * files in the broker's directory, under a password made for this broker.
     */
    private static String tlsSettings(Path directory, TlsListener tls) {
        String password = Pkcs12.newPassword();
        Path keyStore = Pkcs12.writeKeyStore(directory.resolve("broker.p12"), tls.server(), password);
        Path trustStore = Pkcs12.writeTrustStore(directory.resolve("clients-ca.p12"), tls.clientCa(), password);
        return String.join("\n",
                "listener.name.ssl.ssl.keystore.type=PKCS12",
                "listener.name.ssl.ssl.keystore.location=" + keyStore,
                "listener.name.ssl.ssl.keystore.password=" + password,
                "listener.name.ssl.ssl.truststore.type=PKCS12",
                "listener.name.ssl.ssl.truststore.location=" + trustStore,
                "listener.name.ssl.ssl.truststore.password=" + password,
                "listener.name.ssl.ssl.client.auth=required");
    }

    /** {@code tlsListener} and {@code tlsSettings}: empty, or the SSL listener's address and its settings. */
    private static Path writeServerProperties(Path directory, int port, int controllerPort, String tlsListener,
            String tlsSettings) {
        String config = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + FreePorts.HOST + ":" + controllerPort,
                "listeners=PLAINTEXT://" + FreePorts.HOST + ":" + port + tlsListener + ",CONTROLLER://" + FreePorts.HOST + ":" + controllerPort,
                "advertised.listeners=PLAINTEXT://" + FreePorts.HOST + ":" + port + tlsListener,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT",
                tlsSettings,
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
