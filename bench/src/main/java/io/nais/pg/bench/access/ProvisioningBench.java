package io.nais.pg.bench.access;

import static io.nais.pg.bench.access.BenchSupport.awaitCount;
import static io.nais.pg.bench.access.BenchSupport.discovered;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.nais.pg.bench.Percentile;
import io.nais.pg.bench.PackagedService;
import io.nais.pg.bench.ProcessCpu;
import io.nais.pg.testsupport.process.ServiceJvm;
import io.nais.pg.access.provisioning.pass.DirectReconcile;
import io.nais.pg.access.provisioning.HumanSessions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.nais.pg.events.EventCodec;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.events.Topics;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.fault.FaultProxy;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;

/**
 * Provisioning speed, end to end through real Kafka, the packaged service and
 * real PostgreSQL clusters, each figure next to a baseline measured in the same
 * run on the same clusters:
 * <ol>
 *   <li>reaction: TeamMemberAdded published → the person logs in (TLS client cert);
 *       baseline: the admin creates the same role directly, then the person logs in;</li>
 *   <li>revocation: TeamMemberRemoved published → the person's open session fails;
 *       baseline: the admin terminates the session directly;</li>
 *   <li>bulk, twice, each on N clusters of its own: the members team by team (as a directory sync sends
 *       them) and round robin over the teams (the worst case: every polled batch touches every cluster).
 *       N ClusterDiscovered and N×M TeamMemberAdded sent asynchronously (then one flush) →
 *       the last role announced (every cluster is then checked to hold every role), timed from the first
 *       send, with the publish time apart; after {@value #WARM_UP_ROUNDS} warm-up bursts of as many roles
 *       on clusters of their own, in both orders, and once the service's JIT has settled, so the service
 *       runs as one that has been up for a while; the CPU of every component during each run is printed;
 *       baseline: the same cluster work done directly ({@link DirectReconcile}: the service's own
 *       reconcile, one pass per cluster, group set-up and per-role guards included), one admin connection
 *       per cluster, with the service's parallelism.</li>
 * </ol>
 * Ten uncounted warm-up events come before the reaction figures.
 * Arguments: {@code <quarkus-run.jar> [events=200] [clusters=50] [membersPerCluster=40]}.
 */
public final class ProvisioningBench {

    private static final String PRODUCER = "bench";
    /**
     * The bulk's warm-up: rounds of as many roles as the measured run, each over clusters of its own. The JIT
     * compiled about 1,600 methods during the measured run after one such round (C1 and C2 took 0.4 s of the
     * service's 1.5 s CPU there): tiered compilation of a Quarkus service takes more than one team sync.
     */
    private static final int WARM_UP_ROUNDS = 3;
    private static final int WARM_UP_CLUSTERS = 10 * WARM_UP_ROUNDS;
    /**
     * {@code -Dbench.clusterLatency=PT0.01S}: the measured clusters as if a network away (a {@link FaultProxy}
     * in front of each, for the service and the baseline alike), as clusters at another site are; 0 by default.
     */
    private static final Duration CLUSTER_LATENCY = Duration.parse(System.getProperty("bench.clusterLatency", "PT0S"));

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int clusters = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int perCluster = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        int parallelism = 8;

        CertificateAuthority ca = CertificateAuthority.create("bench-ca", Duration.ofHours(2));
        try (KafkaBroker kafka = KafkaBroker.start();
             PostgresCluster serviceDb = PostgresCluster.builder().name("access-db").start();
             PostgresCluster target = HumanSessions.withCertificateLogins(
                     PostgresCluster.builder().name("latency"), ca).start();
             TestEventBus bus = new TestEventBus(kafka.bootstrapServers())) {
            kafka.createTopics(Topics.TEAM_MEMBERSHIP, Topics.CLUSTERS, Topics.ACCESS, Topics.TEAM_MEMBERSHIP_DLQ,
                    Topics.CLUSTERS_DLQ);
            List<PostgresCluster> bulk = BenchSupport.startClusters("bulk", 2 * clusters,
                    b -> b.setting("max_connections", "20"));
            List<PostgresCluster> warmUp = BenchSupport.startClusters("bulk-warm-up", WARM_UP_CLUSTERS,
                    b -> b.setting("max_connections", "20"));
            // provisioning only: the gateway (and its OIDC issuer) is not part of these figures
            try (ServiceJvm service = PackagedService.start("access-service", jar,
                    BenchSupport.serviceConfig(kafka.bootstrapServers(), serviceDb, parallelism))) {
                System.out.println("service log: " + service.log());
                SeededApplication app = target.seedApplication("latency-app");
                HumanSessions humans = new HumanSessions(target, ca);
                bus.publish(Envelope.of(PRODUCER, discovered(target, app, "team-l", "latency-app")));
                awaitRole(target, app.database(), "nais_human", Duration.ofSeconds(120));

                warmUp(bus, target, app, humans);
                reaction(bus, target, app, humans, events);
                revocation(bus, target, app, humans, events);
                CpuMeter meter = new CpuMeter(service.pid(), serviceDb.pid(), kafka.pid());
                bulk(kafka.bootstrapServers(), bulk, warmUp, perCluster, parallelism, service, meter);
            } finally {
                for (PostgresCluster pg : bulk) {
                    pg.close();
                }
                for (PostgresCluster pg : warmUp) {
                    pg.close();
                }
            }
        }
    }

    /** JIT and pools warm up on a few events that are not counted. */
    private static void warmUp(TestEventBus bus, PostgresCluster pg, SeededApplication app, HumanSessions humans)
            throws Exception {
        try (Connection watcher = pg.connect(app.database())) {
            for (int i = 0; i < 10; i++) {
                String email = "warmup" + i + "@example.com";
                humans.prepare(email);
                bus.publish(Envelope.of(PRODUCER, new TeamMemberAdded("team-l", email)));
                awaitCanLogin(watcher, email);
                loginEventually(humans, app.database(), email);
            }
        }
    }

    private static void reaction(TestEventBus bus, PostgresCluster pg, SeededApplication app, HumanSessions humans,
                                 int events) throws Exception {
        long[] service = new long[events];
        long[] baseline = new long[events];
        // Polling the catalog is cheap; each failed login costs a TLS handshake, which would
        // make the figure depend on the poll, so the login is tried once the role can log in.
        try (Connection watcher = pg.connect(app.database())) {
            measureReaction(bus, pg, app, humans, events, service, baseline, watcher);
        }
        report("reaction: TeamMemberAdded -> login", service, baseline);
    }

    private static void measureReaction(TestEventBus bus, PostgresCluster pg, SeededApplication app,
                                        HumanSessions humans, int events, long[] service, long[] baseline,
                                        Connection watcher) throws Exception {
        for (int i = 0; i < events; i++) {
            String email = "user" + i + "@example.com";
            String direct = "direct" + i + "@example.com";
            humans.prepare(email);
            humans.prepare(direct);

            long start = System.nanoTime();
            bus.publish(Envelope.of(PRODUCER, new TeamMemberAdded("team-l", email)));
            awaitCanLogin(watcher, email);
            loginEventually(humans, app.database(), email);
            service[i] = System.nanoTime() - start;
            if (Boolean.getBoolean("bench.trace")) {
                System.out.printf("%s published %s, logged in after %.1f ms%n", java.time.Instant.now()
                        .minusNanos(service[i]), email, service[i] / 1e6);
            }

            start = System.nanoTime();
            pg.execute(app.database(), "CREATE ROLE \"" + direct + "\" LOGIN IN ROLE nais_human");
            loginEventually(humans, app.database(), direct);
            baseline[i] = System.nanoTime() - start;
        }
    }

    private static void awaitCanLogin(Connection watcher, String email) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (var ps = watcher.prepareStatement("SELECT rolcanlogin FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, email);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return;
                    }
                }
                Thread.sleep(1);
            }
        }
        throw new IllegalStateException(email + " cannot log in after 30 s");
    }

    private static void revocation(TestEventBus bus, PostgresCluster pg, SeededApplication app,
                                   HumanSessions humans, int events) throws Exception {
        long[] service = new long[events];
        long[] baseline = new long[events];
        for (int i = 0; i < events; i++) {
            String email = "user" + i + "@example.com";
            String direct = "direct" + i + "@example.com";
            try (Connection session = humans.connect(app.database(), email)) {
                long start = System.nanoTime();
                bus.publish(Envelope.of(PRODUCER, new TeamMemberRemoved("team-l", email)));
                awaitSessionEnd(session);
                service[i] = System.nanoTime() - start;
            }
            try (Connection session = humans.connect(app.database(), direct)) {
                long start = System.nanoTime();
                pg.execute(app.database(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        + " WHERE usename = '" + direct + "'");
                awaitSessionEnd(session);
                baseline[i] = System.nanoTime() - start;
            }
        }
        report("revocation: TeamMemberRemoved -> open session ended", service, baseline);
    }

    /**
     * The bulk twice, each on clusters of its own: the members team by team, as a directory sync that walks
     * its teams sends them, then round robin over the teams, the worst case for the service (every polled
     * batch touches every cluster, so every cluster gets a pass per batch).
     */
    private static void bulk(String bootstrapServers, List<PostgresCluster> clusters,
                             List<PostgresCluster> warmUpClusters, int perCluster, int parallelism,
                             ServiceJvm serviceProcess, CpuMeter meter) throws Exception {
        int half = clusters.size() / 2;
        int roles = half * perCluster;
        List<Burst> warmUps = new ArrayList<>();
        int perRound = warmUpClusters.size() / WARM_UP_ROUNDS;
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            warmUps.add(Burst.of("warm-up" + round + "-", warmUpClusters.subList(round * perRound,
                    (round + 1) * perRound), roles / perRound, Order.values()[round % Order.values().length]));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
            // metadata fetched before any clock starts
            producer.partitionsFor(Topics.CLUSTERS);
            producer.partitionsFor(Topics.TEAM_MEMBERSHIP);
            for (Burst warmUp : warmUps) {
                long warmUpStart = System.nanoTime();
                long warmUpTime;
                try (TopicTail announced = TopicTail.of(bootstrapServers, Topics.ACCESS)) {
                    warmUp.send(producer);
                    // announced, not only visible: the outbox relay has no warm-up backlog when the clock starts
                    warmUpTime = awaitAnnounced(announced, warmUp, warmUpStart);
                }
                System.out.printf("bulk: warm-up, %d roles in %d clusters of their own, %s (not measured), in"
                        + " %.2f s%n", warmUp.roles(), perRound, warmUp.order().label, warmUpTime / 1e9);
            }
            Bulk run = new Bulk(producer, bootstrapServers, perCluster, parallelism, serviceProcess);
            run.measure("team-g", clusters.subList(0, half), Order.TEAM_BY_TEAM, meter);
            run.measure("team-i", clusters.subList(half, clusters.size()), Order.ROUND_ROBIN, meter);
        }
    }

    /** One measured bulk run and its direct baseline, on clusters nobody provisioned yet. */
    private record Bulk(KafkaProducer<String, byte[]> producer, String bootstrapServers, int perCluster, int parallelism,
                        ServiceJvm serviceProcess) {

        void measure(String teamPrefix, List<PostgresCluster> clusters, Order order, CpuMeter meter)
                throws Exception {
            List<FaultProxy> proxies = new ArrayList<>();
            try {
                if (!CLUSTER_LATENCY.isZero()) {
                    clusters.forEach(pg -> proxies.add(FaultProxy.start(pg.host(), pg.port(), CLUSTER_LATENCY)));
                }
                List<Integer> ports = proxies.isEmpty() ? clusters.stream().map(PostgresCluster::port).toList()
                        : proxies.stream().map(FaultProxy::port).toList();
                measure(teamPrefix, clusters, ports, order, meter);
            } finally {
                proxies.forEach(FaultProxy::close);
            }
        }

        /** @param ports where the service and the baseline reach each cluster: its own, or its proxy's */
        private void measure(String teamPrefix, List<PostgresCluster> clusters, List<Integer> ports, Order order,
                             CpuMeter meter) throws Exception {
            Burst measured = Burst.of(teamPrefix, clusters, ports, perCluster, order);
            List<Long> postmasters = clusters.stream().map(PostgresCluster::pid).toList();
            int roles = measured.roles();
            awaitJitSettled(serviceProcess.pid());
            long start;
            long published;
            long service;
            CpuMeter.Reading cpuBefore;
            CpuMeter.Reading cpuAfter;
            Map<String, Duration> threadsBefore;
            Map<String, Duration> threadsAfter;
            // every cluster's watch connection open before the clock starts
            try (RoleWatch watch = new RoleWatch(clusters, measured.apps(), perCluster)) {
                try (TopicTail announced = TopicTail.of(bootstrapServers, Topics.ACCESS)) {
                    threadsBefore = ProcessCpu.byThread(serviceProcess.pid());
                    cpuBefore = meter.read(postmasters);
                    start = System.nanoTime();
                    published = measured.send(producer);
                    service = awaitAnnounced(announced, measured, start);
                    cpuAfter = meter.read(postmasters);
                    threadsAfter = ProcessCpu.byThread(serviceProcess.pid());
                }
                // the announcements are the clock; every cluster must really hold every role
                watch.awaitAll(System.nanoTime(), Duration.ofSeconds(5));
            }
            Measured direct = directBaseline(clusters, ports, perCluster, parallelism, meter);
            long baseline = direct.nanos();

            String label = "bulk, " + order.label + (CLUSTER_LATENCY.isZero() ? ""
                    : ", clusters " + CLUSTER_LATENCY.toMillis() + " ms away each way");
            System.out.printf("%s: %d roles in %d clusters from %d events: (a) publish %.2f s;"
                            + " (b) first publish -> last role announced %.2f s (%.0f roles/s);"
                            + " (c) direct baseline %.2f s (%.0f roles/s); ratio (b)/(c) %.1f%n", label,
                    roles, clusters.size(), roles + clusters.size(), published / 1e9, service / 1e9,
                    roles / (service / 1e9), baseline / 1e9, roles / (baseline / 1e9), (double) service / baseline);
            System.out.printf("%s: CPU used during (b), on %d cores: %s%n", label,
                    Runtime.getRuntime().availableProcessors(), cpuAfter.since(cpuBefore));
            System.out.printf("%s: CPU used during (c): %s%n", label, direct.cpu());
            System.out.printf("%s: the service's CPU during (b) by thread: %s%n", label,
                    cpuSpent(threadsBefore, threadsAfter, true));
        }
    }

    /** The order a burst's TeamMemberAdded events are sent in. */
    private enum Order {
        TEAM_BY_TEAM("members team by team"),
        ROUND_ROBIN("members round robin over the teams");

        final String label;

        Order(String label) {
            this.label = label;
        }
    }

    /**
     * Waits until the service's JIT compiler threads used under 20 ms of CPU in a second (at most 30 s): on two
     * busy cores the compile queue a warm-up filled drains for seconds after it, and compiling it during the
     * measured run would charge a fresh JVM's cost to a service that has been up for a while.
     */
    private static void awaitJitSettled(long pid) throws InterruptedException {
        long start = System.nanoTime();
        Duration before = jitCpu(pid);
        while (System.nanoTime() - start < Duration.ofSeconds(30).toNanos()) {
            Thread.sleep(1_000);
            Duration now = jitCpu(pid);
            if (now.minus(before).toMillis() < 20) {
                break;
            }
            before = now;
        }
        System.out.printf("bulk: the service's JIT settled after %.1f s%n",
                (System.nanoTime() - start) / 1e9);
    }

    private static Duration jitCpu(long pid) {
        return ProcessCpu.byThread(pid).entrySet().stream().filter(thread -> thread.getKey().contains("Compiler"))
                .map(Map.Entry::getValue).reduce(Duration.ZERO, Duration::plus);
    }

    /** What each reading's entries grew by between the two readings; {@code sorted}: most first. */
    private static String cpuSpent(Map<String, Duration> before, Map<String, Duration> after, boolean sorted) {
        Stream<Map.Entry<String, Duration>> spent = after.entrySet().stream()
                .map(entry -> Map.entry(entry.getKey(),
                        entry.getValue().minus(before.getOrDefault(entry.getKey(), Duration.ZERO))))
                .filter(entry -> !entry.getValue().isZero());
        if (sorted) {
            spent = spent.sorted(Map.Entry.<String, Duration>comparingByValue().reversed());
        }
        return spent.map(entry -> String.format("%s %.2f s", entry.getKey(), entry.getValue().toMillis() / 1e3))
                .collect(Collectors.joining(", "));
    }

    /**
     * Where the machine's CPU goes, by component: the service's JVM, its database, the clusters, the broker,
     * this bench (it sends the events and tails the access topic), and the rest of the machine: mostly the
     * kernel's interrupt and softirq time, which no process is charged for, here the loopback traffic between
     * all of them.
     */
    private record CpuMeter(long service, long serviceDb, long broker) {

        /** Each component's CPU so far, and when it was read. */
        record Reading(long nanos, Map<String, Duration> cpu) {

            /** What each component used since {@code before}, over the time between the two readings. */
            String since(Reading before) {
                return String.format("%.2f s between the readings: %s", (nanos - before.nanos) / 1e9,
                        cpuSpent(before.cpu, cpu, false));
            }
        }

        /** Each component's CPU so far, with the postmasters {@code clusters} (and their backends) as "clusters". */
        Reading read(List<Long> clusters) {
            long nanos = System.nanoTime();
            ProcessCpu cpu = ProcessCpu.now();
            Map<String, Duration> components = new LinkedHashMap<>();
            components.put("service JVM", cpu.of(service));
            components.put("service database", cpu.ofTree(serviceDb));
            components.put("clusters", clusters.stream().map(cpu::ofTree).reduce(Duration.ZERO, Duration::plus));
            components.put("broker", cpu.of(broker));
            components.put("bench JVM", cpu.of(ProcessHandle.current().pid()));
            Duration known = components.values().stream().reduce(Duration.ZERO, Duration::plus);
            components.put("rest of the machine", cpu.machine().minus(known));
            return new Reading(nanos, components);
        }
    }

    /**
     * A team sync as the bench sends it: one ClusterDiscovered per cluster (team {@code <prefix><n>}), then
     * {@code perCluster} TeamMemberAdded per team in the given order, all encoded beforehand.
     */
    private record Burst(String teamPrefix, Order order, List<SeededApplication> apps,
                         List<ProducerRecord<String, byte[]>> clusters, List<ProducerRecord<String, byte[]>> members) {

        static Burst of(String teamPrefix, List<PostgresCluster> clusters, int perCluster, Order order) {
            return of(teamPrefix, clusters, clusters.stream().map(PostgresCluster::port).toList(), perCluster, order);
        }

        /** With each cluster announced at the port given for it ({@code ports}: proxies in front of them). */
        static Burst of(String teamPrefix, List<PostgresCluster> clusters, List<Integer> ports, int perCluster,
                        Order order) {
            List<SeededApplication> apps = new ArrayList<>();
            List<ProducerRecord<String, byte[]>> discoveries = new ArrayList<>();
            for (int c = 0; c < clusters.size(); c++) {
                SeededApplication app = clusters.get(c).seedApplication("bulk-app");
                apps.add(app);
                discoveries.add(record(Topics.CLUSTERS, Envelope.of(PRODUCER,
                        discovered(clusters.get(c), ports.get(c), app, teamPrefix + c, "bulk-app"))));
            }
            List<ProducerRecord<String, byte[]>> members = new ArrayList<>();
            for (int i = 0; i < perCluster * clusters.size(); i++) {
                int c = order == Order.TEAM_BY_TEAM ? i / perCluster : i % clusters.size();
                int m = order == Order.TEAM_BY_TEAM ? i % perCluster : i / clusters.size();
                String team = teamPrefix + c;
                members.add(record(Topics.TEAM_MEMBERSHIP,
                        Envelope.of(PRODUCER, new TeamMemberAdded(team, "m" + m + "@" + team + ".no"))));
            }
            return new Burst(teamPrefix, order, apps, discoveries, members);
        }

        private static ProducerRecord<String, byte[]> record(String topic, Envelope<?> envelope) {
            return new ProducerRecord<>(topic, envelope.key(), EventCodec.encode(envelope));
        }

        int roles() {
            return members.size();
        }

        /**
         * Every event sent without waiting for its acknowledgement, as a team sync would, then one flush; the
         * clusters first (they key the clusters topic, so nothing orders them before the members anyway).
         *
         * @return nanoseconds until every event was acknowledged
         */
        long send(KafkaProducer<String, byte[]> producer) {
            long start = System.nanoTime();
            clusters.forEach(record -> producer.send(record, BenchSupport::failOnError));
            members.forEach(record -> producer.send(record, BenchSupport::failOnError));
            producer.flush();
            return System.nanoTime() - start;
        }
    }

    /**
     * Nanoseconds from {@code start} until the service announced every role of the burst: HumanRoleProvisioned,
     * keyed by the cluster id ({@code <team>/<app>}), relayed by the outbox after the pass committed; nothing
     * else is published under those keys in a burst. Polling 50 clusters' catalogs every few milliseconds, as
     * this bench once did, cost the very cores the service and the clusters were working on; the access topic's
     * tail costs them next to nothing, and the announcement comes after the role is visible, so it never
     * flatters the service.
     */
    private static long awaitAnnounced(TopicTail announced, Burst burst, long start) {
        // two login roles per person (AccessLevel), each announced
        announced.awaitKeys(key -> key.startsWith(burst.teamPrefix()), 2 * burst.roles(), Duration.ofMinutes(5));
        return System.nanoTime() - start;
    }

    /**
     * The same cluster work done directly: per cluster, the service's own reconcile of {@code perCluster} new
     * roles in one pass (group set-up, role SQL, per-role guards), with the service's parallelism, on a second
     * application database of the same clusters. Run after the service's run, so its roles do not count there.
     */
    private static Measured directBaseline(List<PostgresCluster> clusters, List<Integer> ports, int perCluster,
                                           int parallelism, CpuMeter meter) throws Exception {
        List<SeededApplication> apps = new ArrayList<>();
        for (PostgresCluster cluster : clusters) {
            apps.add(cluster.seedApplication("baseline-app"));
        }
        Map<String, String> guards = Map.of("statement_timeout", "5min", "idle_in_transaction_session_timeout", "10min");
        List<String> emails = IntStream.range(0, perCluster).mapToObj(m -> "baseline" + m + "@example.com").toList();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        List<Long> postmasters = clusters.stream().map(PostgresCluster::pid).toList();
        CpuMeter.Reading cpuBefore = meter.read(postmasters);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clusters.size(); c++) {
            PostgresCluster pg = clusters.get(c);
            SeededApplication app = apps.get(c);
            int port = ports.get(c);
            done.add(pool.submit(() -> {
                try (Connection admin = pg.connectVia(port, app.database())) {
                    DirectReconcile.provision(admin, app.owner(), List.of("public"), emails, guards);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        long elapsed = System.nanoTime() - start;
        String cpu = meter.read(postmasters).since(cpuBefore);
        pool.shutdown();
        return new Measured(elapsed, cpu);
    }

    /** A baseline's wall time, and where the CPU went meanwhile. */
    private record Measured(long nanos, String cpu) {
    }

    /**
     * Watches every bulk cluster's {@code nais_human} membership over connections opened beforehand, so the
     * moment the last role appears is not delayed by opening 50 connections one after the other.
     */
    private static final class RoleWatch implements AutoCloseable {

        private static final String HUMANS = "SELECT count(*) FROM pg_auth_members m JOIN pg_roles g"
                + " ON g.oid = m.roleid WHERE g.rolname = 'nais_human'";

        private final List<Connection> connections = new ArrayList<>();
        private final int expected;

        RoleWatch(List<PostgresCluster> clusters, List<SeededApplication> apps, int expected) throws SQLException {
            this.expected = expected;
            for (int c = 0; c < clusters.size(); c++) {
                connections.add(clusters.get(c).connect(apps.get(c).database()));
            }
        }

        /** @return nanoseconds from {@code start} until every cluster has {@code expected} humans */
        long awaitAll(long start, Duration timeout) throws Exception {
            List<Connection> pending = new ArrayList<>(connections);
            long deadline = start + timeout.toNanos();
            while (!pending.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(pending.size() + " clusters still incomplete after " + timeout);
                }
                pending.removeIf(this::complete);
                if (!pending.isEmpty()) {
                    Thread.sleep(5);
                }
            }
            return System.nanoTime() - start;
        }

        private boolean complete(Connection connection) {
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(HUMANS)) {
                return rs.next() && rs.getInt(1) >= expected;
            } catch (SQLException e) {
                throw new IllegalStateException("could not watch a bulk cluster", e);
            }
        }

        @Override
        public void close() throws SQLException {
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    private static void loginEventually(HumanSessions humans, String database, String email) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Connection c = humans.connect(database, email)) {
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(2);
            }
        }
    }

    private static void awaitSessionEnd(Connection session) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Statement st = session.createStatement()) {
                st.execute("SELECT 1");
            } catch (SQLException e) {
                return;
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("session still open after 30 s");
    }

    private static void awaitRole(PostgresCluster pg, String database, String role, Duration timeout)
            throws Exception {
        awaitCount(pg, database, "SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'", 1, timeout);
    }

    private static void report(String what, long[] service, long[] baseline) {
        Arrays.sort(service);
        Arrays.sort(baseline);
        System.out.printf("%s (n=%d): service p50 %.1f ms p99 %.1f ms max %.1f ms; direct baseline p50 %.1f ms"
                        + " p99 %.1f ms; p50 ratio %.1f%n", what, service.length,
                ms(Percentile.of(service, 50)), ms(Percentile.of(service, 99)), ms(service[service.length - 1]),
                ms(Percentile.of(baseline, 50)), ms(Percentile.of(baseline, 99)),
                (double) Percentile.of(service, 50) / Percentile.of(baseline, 50));
    }


    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
