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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Real Apache Kafka in KRaft mode: one node ({@link #start()}) or a cluster of several
 * ({@link #startCluster(int)}), each node a combined broker and controller in its own child JVM
 * on free ports of 127.0.0.1. Storage lives in a temporary directory that {@link #close()} deletes.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.start()) {
 *     kafka.createTopics(List.of("my-topic"));
 *     ... kafka.bootstrapServers() ...
 * }
 * }</pre>
 *
 * <h2>A cluster</h2>
 * {@code startCluster(3)} starts three nodes that form one KRaft quorum ({@code controller.quorum.voters}
 * names all of them), so the cluster keeps working, controller included, with any one node down.
 * Topics it creates, the offsets topic and the transaction state log get replication factor
 * {@link #replicationFactor()} = min(3, nodes), and {@code min.insync.replicas} is 2 from three nodes
 * on (1 below): a producer with {@code acks=all} loses nothing when one node of three dies, and
 * still gets its writes acknowledged while that node is away.
 * <ul>
 *   <li>Nodes are numbered 0 … nodes-1 ({@link #nodes()}); Kafka's {@code node.id} is that number + 1.</li>
 *   <li>{@link #kill(int)} is {@code kill -9} of one node; {@link #stop(int)} a clean shutdown;
 *       {@link #restart(int)} starts it again on the same storage and ports.</li>
 *   <li>{@link #bootstrapServers()} lists every node, so a client finds the cluster whichever node is down.</li>
 *   <li>{@link #pid(int)} and {@link #pids()}: the nodes' process ids (an outside {@code kill -9} works too).</li>
 *   <li>{@link #awaitFullyReplicated(Duration)}: every replica in sync again, after a restart.</li>
 * </ul>
 * One node ({@link #start()}) is the cluster of one that tests used before clusters existed: replication
 * factor 1, {@code min.insync.replicas} 1.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final long START_TIMEOUT_MILLIS = 90_000;

    /** The whole cluster's directory; each node's storage, config and log are in {@code node-<n>/} below it. */
    private final Path directory;
    private final List<BrokerNode> nodes;

    private KafkaBroker(Path directory, List<BrokerNode> nodes) {
        this.directory = directory;
        this.nodes = nodes;
    }

    /** Formats storage and starts one node (one child JVM, see {@link FormatThenRun}); returns once it answers an admin request. */
    public static KafkaBroker start() {
        return start(1, null);
    }

    /**
     * Starts {@code nodes} combined broker-and-controller nodes as one KRaft cluster, in parallel;
     * returns once every node is registered with the cluster (see the class comment for the
     * replication settings).
     */
    public static KafkaBroker startCluster(int nodes) {
        return start(nodes, null);
    }

    /**
     * One node with a second listener, {@code SSL}, as Strimzi's TLS listener: it presents {@code server}
     * (whose SANs must name {@link FreePorts#HOST}, clients verify the host) and requires a client
     * certificate issued by {@code clientCa}. {@link #tlsBootstrapServers()} names it; the plaintext
     * listener stays for the test's own admin client.
     */
    public static KafkaBroker startWithTls(IssuedCertificate server, X509Certificate clientCa) {
        return start(1, new TlsListener(server, clientCa));
    }

    /** {@link #startCluster(int)} with {@link #startWithTls}'s SSL listener on every node. */
    public static KafkaBroker startClusterWithTls(int nodes, IssuedCertificate server, X509Certificate clientCa) {
        return start(nodes, new TlsListener(server, clientCa));
    }

    private record TlsListener(IssuedCertificate server, X509Certificate clientCa) {
    }

    /** The ports of one node, chosen before any node starts: every node's config names every controller. */
    private record Ports(int broker, int controller, int tls) {
    }

    private static KafkaBroker start(int count, TlsListener tls) {
        if (count < 1) {
            throw new IllegalArgumentException("a Kafka cluster needs at least one node, not " + count);
        }
        Path directory = TempDirs.create("kafka");
        try {
            List<Ports> ports = IntStream.range(0, count)
                    .mapToObj(n -> new Ports(FreePorts.next(), FreePorts.next(), tls == null ? 0 : FreePorts.next()))
                    .toList();
            String voters = IntStream.range(0, count)
                    .mapToObj(n -> nodeId(n) + "@" + FreePorts.HOST + ":" + ports.get(n).controller())
                    .collect(Collectors.joining(","));
            String clusterId = Uuid.randomUuid().toString();
            List<BrokerNode> nodes = new ArrayList<>();
            for (int n = 0; n < count; n++) {
                Path nodeDirectory = directory.resolve("node-" + n);
                Files.createDirectories(nodeDirectory);
                String tlsSettings = tls == null ? "" : tlsSettings(nodeDirectory, tls);
                Path config = writeServerProperties(nodeDirectory, n, ports.get(n), voters, count, tlsSettings);
                Path logging = writeLogConfig(nodeDirectory);
                nodes.add(new BrokerNode(n, ports.get(n), new ChildJvm.Spec(count == 1 ? "kafka" : "kafka-" + n, "kafka",
                        FormatThenRun.class.getName(), "512m", jvmArgs(logging), List.of(clusterId, config.toString()),
                        Map.of(), nodeDirectory)));
            }
            KafkaBroker kafka = new KafkaBroker(directory, List.copyOf(nodes));
            Reaper.register(kafka);
            try {
                kafka.startNodes(nodes);
                if (count > 1) {
                    kafka.createOffsetsTopic();
                }
            } catch (RuntimeException e) {
                kafka.close();
                throw e;
            }
            return kafka;
        } catch (IOException e) {
            TempDirs.delete(directory);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            TempDirs.delete(directory);
            throw e;
        }
    }

    /** A handle on a broker (or cluster) another class loader of this JVM started; closing it is a no-op. */
    public static KafkaBroker attach(String bootstrapServers) {
        List<BrokerNode> nodes = new ArrayList<>();
        String[] addresses = bootstrapServers.split(",");
        for (int n = 0; n < addresses.length; n++) {
            String address = addresses[n].trim();
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            nodes.add(new BrokerNode(n, new Ports(port, 0, 0), null));
        }
        return new KafkaBroker(null, List.copyOf(nodes));
    }

    /** Every node's plaintext listener, comma-separated. */
    public String bootstrapServers() {
        return nodes.stream().map(node -> FreePorts.HOST + ":" + node.ports.broker()).collect(Collectors.joining(","));
    }

    /** Every node's TLS listener, for a broker {@link #startWithTls started with one}. */
    public String tlsBootstrapServers() {
        if (nodes.get(0).ports.tls() == 0) {
            throw new IllegalStateException("this broker has no TLS listener: start it with startWithTls");
        }
        return nodes.stream().map(node -> FreePorts.HOST + ":" + node.ports.tls()).collect(Collectors.joining(","));
    }

    /** How many nodes the cluster has (running or not). */
    public int nodes() {
        return nodes.size();
    }

    /** The replication factor of the topics this cluster creates and of its internal topics: min(3, {@link #nodes()}). */
    public int replicationFactor() {
        return replicationFactor(nodes.size());
    }

    /** {@code min.insync.replicas}: 2 from three nodes on, else 1. */
    public int minInsyncReplicas() {
        return minInsyncReplicas(nodes.size());
    }

    /** Creates the topics (one partition, replication factor {@link #replicationFactor()}) unless they exist. */
    public void createTopics(Collection<String> names) {
        createTopics(names, 1);
    }

    /** Creates the topics with {@code partitions} partitions each (replication factor {@link #replicationFactor()}) unless they exist. */
    public void createTopics(Collection<String> names, int partitions) {
        List<NewTopic> topics = names.stream().map(name -> new NewTopic(name, partitions, (short) replicationFactor())).toList();
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

    /** An admin client for this broker (all nodes as bootstrap servers); the caller closes it. */
    public Admin admin() {
        return admin(bootstrapServers(), 10_000, 30_000);
    }

    /** The process id of a one-node broker this handle started; a cluster's nodes: {@link #pid(int)}. */
    public long pid() {
        return pid(onlyNode());
    }

    /** The process id of node {@code node} (0 … nodes-1), which must be running. */
    public long pid(int node) {
        ChildJvm process = started(node).process;
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("node " + node + " is not running");
        }
        return process.pid();
    }

    /** The process ids of the running nodes, in node order. */
    public List<Long> pids() {
        return nodes.stream().filter(BrokerNode::isRunning).map(node -> node.process.pid()).toList();
    }

    /** Whether node {@code node} runs (it was not killed or stopped, or was restarted since). */
    public boolean isRunning(int node) {
        return started(node).isRunning();
    }

    /**
     * Stops every node but keeps its storage and ports, to simulate an outage;
     * {@link #restart()} brings the cluster back with every record it had.
     */
    public void stop() {
        for (int n = 0; n < nodes.size(); n++) {
            stop(n);
        }
    }

    /** Shuts node {@code node} down cleanly (SIGTERM, Kafka's controlled shutdown); storage and ports stay. */
    public void stop(int node) {
        started(node).process.close();
    }

    /** {@code kill -9} of node {@code node}: no controlled shutdown, no flush. Storage and ports stay for {@link #restart(int)}. */
    public void kill(int node) {
        started(node).process.kill();
    }

    /**
     * Starts every stopped or killed node again, together (a quorum of several needs a majority before
     * any node answers), on the same storage and ports; returns once each is registered with the cluster.
     */
    public void restart() {
        startNodes(nodes.stream().filter(node -> !node.isRunning()).toList());
    }

    /**
     * Starts node {@code node} again after {@link #kill(int)} or {@link #stop(int)}, on the same storage and
     * ports; returns once it is registered with the cluster again (it may still be catching up as a follower).
     */
    public void restart(int node) {
        BrokerNode restarting = started(node);
        if (restarting.isRunning()) {
            throw new IllegalStateException("node " + node + " is running");
        }
        startNodes(List.of(restarting));
    }

    /**
     * Waits until every partition of every topic has all its replicas in sync again, such as after
     * {@link #restart(int)}, when the node has caught up; fails after {@code timeout}.
     */
    public void awaitFullyReplicated(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (!fullyReplicated(admin)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("partitions still under-replicated after " + timeout);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean fullyReplicated(Admin admin) {
        try {
            var topics = admin.describeTopics(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get())
                    .allTopicNames().get();
            return topics.values().stream().flatMap(topic -> topic.partitions().stream())
                    .allMatch(partition -> partition.isr().size() == partition.replicas().size());
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The log file of a one-node broker, for diagnosing a test; a cluster's: {@link #log(int)}. */
    public Path log() {
        return log(onlyNode());
    }

    /** Node {@code node}'s log file. */
    public Path log(int node) {
        return started(node).spec.directory().resolve(started(node).spec.name() + ".log");
    }

    @Override
    public void close() {
        if (directory == null) {
            return;
        }
        Reaper.deregister(this);
        for (BrokerNode node : nodes) {
            if (node.process != null) {
                node.process.close();
            }
        }
        TempDirs.delete(directory);
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + "]";
    }

    private int onlyNode() {
        if (nodes.size() != 1) {
            throw new IllegalStateException("this Kafka has " + nodes.size() + " nodes: name the node");
        }
        return 0;
    }

    private BrokerNode started(int node) {
        if (directory == null) {
            throw new IllegalStateException("only a broker this handle started has processes here");
        }
        if (node < 0 || node >= nodes.size()) {
            throw new IllegalArgumentException("no node " + node + " in a cluster of " + nodes.size());
        }
        return nodes.get(node);
    }

    /** Starts the nodes in parallel, then waits for each to register with the cluster. */
    private void startNodes(List<BrokerNode> starting) {
        for (BrokerNode node : starting) {
            node.process = ChildJvm.start(node.spec);
        }
        CompletableFuture.allOf(starting.stream()
                .map(node -> CompletableFuture.runAsync(() -> node.process.awaitReady(() -> isRegistered(node), START_TIMEOUT_MILLIS)))
                .toArray(CompletableFuture[]::new)).join();
    }

    /** The node answers on its own listener, and the cluster's metadata, as that node serves it, lists it. */
    private boolean isRegistered(BrokerNode node) {
        if (!FreePorts.accepts(node.ports.broker())) {
            return false;
        }
        try (Admin admin = admin(FreePorts.HOST + ":" + node.ports.broker(), 2_000, 2_000)) {
            return admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).stream().map(Node::id)
                    .anyMatch(id -> id == nodeId(node.index));
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Looking a consumer group up makes the cluster create its offsets topic, here while every node is up:
     * created later with a node down, it would get fewer replicas than {@link #replicationFactor()}, or none.
     */
    private void createOffsetsTopic() {
        try (Admin admin = admin()) {
            admin.describeConsumerGroups(List.of("test-support-offsets-topic")).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw new IllegalStateException("the cluster did not create its offsets topic", e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the cluster did not create its offsets topic", e);
        }
    }

    private static Admin admin(String bootstrapServers, int requestTimeoutMillis, int apiTimeoutMillis) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMillis);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, apiTimeoutMillis);
        return Admin.create(properties);
    }

    private static int nodeId(int index) {
        return index + 1;
    }

    private static int replicationFactor(int nodes) {
        return Math.min(3, nodes);
    }

    private static int minInsyncReplicas(int nodes) {
        return nodes >= 3 ? 2 : 1;
    }

    private static List<String> jvmArgs(Path logging) {
        return List.of("-Dlog4j2.configurationFile=" + logging, "-Dkafka.logs.dir=" + logging.getParent());
    }

    /**
     * The SSL listener's lines: the broker's key store and the client CA's trust store as PKCS#12
     * files in the node's directory, under a password made for this node.
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

    /** {@code tlsSettings}: empty, or the SSL listener's settings (then {@code ports.tls()} is its port). */
    private static Path writeServerProperties(Path directory, int index, Ports ports, String voters, int nodes,
            String tlsSettings) {
        String tlsListener = ports.tls() == 0 ? "" : ",SSL://" + FreePorts.HOST + ":" + ports.tls();
        String plaintext = "PLAINTEXT://" + FreePorts.HOST + ":" + ports.broker();
        int replicas = replicationFactor(nodes);
        int minInsync = minInsyncReplicas(nodes);
        String config = String.join("\n",
                "process.roles=broker,controller",
                "node.id=" + nodeId(index),
                "controller.quorum.voters=" + voters,
                "listeners=" + plaintext + tlsListener + ",CONTROLLER://" + FreePorts.HOST + ":" + ports.controller(),
                "advertised.listeners=" + plaintext + tlsListener,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT",
                tlsSettings,
                "log.dirs=" + directory.resolve("data"),
                "num.partitions=1",
                "default.replication.factor=" + replicas,
                "min.insync.replicas=" + minInsync,
                "offsets.topic.replication.factor=" + replicas,
                // fewer internal partitions: creating 50 costs seconds on a cold broker
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=" + replicas,
                "transaction.state.log.min.isr=" + minInsync,
                "transaction.state.log.num.partitions=3",
                "share.coordinator.state.topic.replication.factor=" + replicas,
                "share.coordinator.state.topic.min.isr=" + minInsync,
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

    /** One node: its ports and how to start it ({@code spec} is null on an {@link #attach attached} handle). */
    private static final class BrokerNode {
        final int index;
        final Ports ports;
        final ChildJvm.Spec spec;
        volatile ChildJvm process;

        BrokerNode(int index, Ports ports, ChildJvm.Spec spec) {
            this.index = index;
            this.ports = ports;
            this.spec = spec;
        }

        boolean isRunning() {
            return process != null && process.isAlive();
        }
    }
}
