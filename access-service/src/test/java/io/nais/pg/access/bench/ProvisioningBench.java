package io.nais.pg.access.bench;

import static io.nais.pg.access.bench.BenchSupport.awaitCount;
import static io.nais.pg.access.bench.BenchSupport.discovered;
import static io.nais.pg.access.bench.BenchSupport.percentile;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import io.nais.pg.access.provisioning.DirectReconcile;
import io.nais.pg.access.provisioning.HumanSessions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.EventCodec;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.events.Topics;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.kafka.TestEventBus;
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
 *   <li>bulk: N ClusterDiscovered and N×M TeamMemberAdded sent asynchronously (then one flush) →
 *       every role visible in every cluster, timed from the first send, with the publish time apart;
 *       baseline: the same cluster work done directly ({@link DirectReconcile}: the service's own
 *       reconcile, one pass per cluster, group set-up and per-role guards included), one admin connection
 *       per cluster, with the service's parallelism.</li>
 * </ol>
 * Ten uncounted warm-up events come first.
 * Arguments: {@code <quarkus-run.jar> [events=200] [clusters=50] [membersPerCluster=40]}.
 */
public final class ProvisioningBench {

    private static final String PRODUCER = "bench";

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
            List<PostgresCluster> bulk = BenchSupport.startClusters("bulk", clusters,
                    b -> b.setting("max_connections", "20"));
            PostgresCluster warmUp = BenchSupport.startClusters("bulk-warm-up", 1,
                    b -> b.setting("max_connections", "20")).get(0);
            // provisioning only: the gateway (and its OIDC issuer) is not part of these figures
            try (ServiceProcess service = ServiceProcess.start(jar,
                    BenchSupport.serviceConfig(kafka.bootstrapServers(), serviceDb, parallelism))) {
                System.out.println("service log: " + service.log());
                SeededApplication app = target.seedApplication("latency-app");
                HumanSessions humans = new HumanSessions(target, ca);
                bus.publish(Envelope.of(PRODUCER, discovered(target, app, "team-l", "latency-app")));
                awaitRole(target, app.database(), "nais_human", Duration.ofSeconds(120));

                warmUp(bus, target, app, humans);
                reaction(bus, target, app, humans, events);
                revocation(bus, target, app, humans, events);
                bulk(kafka.bootstrapServers(), bulk, warmUp, perCluster, parallelism, service);
            } finally {
                for (PostgresCluster pg : bulk) {
                    pg.close();
                }
                warmUp.close();
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

    private static void bulk(String bootstrapServers, List<PostgresCluster> clusters, PostgresCluster warmUpCluster,
                             int perCluster, int parallelism, ServiceProcess serviceProcess)
            throws Exception {
        List<SeededApplication> apps = new ArrayList<>();
        for (int c = 0; c < clusters.size(); c++) {
            apps.add(clusters.get(c).seedApplication("bulk-app"));
        }
        List<byte[]> discoveredEvents = new ArrayList<>();
        List<String> discoveredKeys = new ArrayList<>();
        for (int c = 0; c < clusters.size(); c++) {
            Envelope<ClusterDiscovered> envelope = Envelope.of(PRODUCER,
                    discovered(clusters.get(c), apps.get(c), "team-b" + c, "bulk-app"));
            discoveredKeys.add(envelope.key());
            discoveredEvents.add(EventCodec.encode(envelope));
        }
        List<ProducerRecord<String, byte[]>> members = new ArrayList<>();
        for (int m = 0; m < perCluster; m++) {
            for (int c = 0; c < clusters.size(); c++) {
                Envelope<TeamMemberAdded> added = Envelope.of(PRODUCER,
                        new TeamMemberAdded("team-b" + c, "m" + m + "@team-b" + c + ".no"));
                members.add(new ProducerRecord<>(Topics.TEAM_MEMBERSHIP, added.key(), EventCodec.encode(added)));
            }
        }

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer());
             RoleWatch watch = new RoleWatch(clusters, apps, perCluster);
             TestEventBus bus = new TestEventBus(bootstrapServers)) {
            // metadata fetched and every cluster's watch connection open before the clock starts
            producer.partitionsFor(Topics.CLUSTERS);
            producer.partitionsFor(Topics.TEAM_MEMBERSHIP);
            warmUp(producer, bus, warmUpCluster, members.size());
            Duration cpuBefore = serviceProcess.cpu();

            // Every event sent without waiting for its acknowledgement, as a team sync would; the clusters are
            // discovered first (they key the clusters topic, so nothing orders them before the members anyway).
            long start = System.nanoTime();
            for (int c = 0; c < clusters.size(); c++) {
                producer.send(new ProducerRecord<>(Topics.CLUSTERS, discoveredKeys.get(c), discoveredEvents.get(c)),
                        BenchSupport::failOnError);
            }
            members.forEach(record -> producer.send(record, BenchSupport::failOnError));
            producer.flush();
            long published = System.nanoTime() - start;
            int roles = clusters.size() * perCluster;
            long service = awaitAnnounced(bus, "team-b", roles, start);
            Duration serviceCpu = serviceProcess.cpu().minus(cpuBefore);
            // the announcements are the clock; every cluster must really hold every role
            watch.awaitAll(System.nanoTime(), Duration.ofSeconds(5));
            long baseline = directBaseline(clusters, perCluster, parallelism);

            System.out.printf("bulk: %d roles in %d clusters from %d events: (a) publish %.2f s;"
                            + " (b) first publish -> last role announced %.2f s (%.0f roles/s);"
                            + " (c) direct baseline %.2f s (%.0f roles/s); ratio (b)/(c) %.1f%n",
                    roles, clusters.size(), roles + clusters.size(), published / 1e9, service / 1e9,
                    roles / (service / 1e9), baseline / 1e9, roles / (baseline / 1e9), (double) service / baseline);
            System.out.printf("bulk: the service JVM used %.1f s CPU in those %.2f s wall (%.0f %% of the %d cores)%n",
                    serviceCpu.toMillis() / 1e3, service / 1e9,
                    100.0 * serviceCpu.toNanos() / service / Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().availableProcessors());
        }
    }

    /**
     * A running service has provisioned roles before: {@code count} TeamMemberAdded of a team that owns a cluster
     * of its own, not one of the measured ones, all provisioned there before the clock starts. So every path of
     * the bulk run (decoding, inbox, projection, marks, passes, role SQL, the outbox's encoding and relay) is
     * JIT-compiled, as in a service that has been running, and the measured clusters still start empty.
     */
    private static void warmUp(KafkaProducer<String, byte[]> producer, TestEventBus bus, PostgresCluster warmUpCluster,
                               int count) throws Exception {
        long start = System.nanoTime();
        SeededApplication app = warmUpCluster.seedApplication("warm-up-app");
        Envelope<ClusterDiscovered> discovered = Envelope.of(PRODUCER,
                discovered(warmUpCluster, app, "warm-up", "warm-up-app"));
        producer.send(new ProducerRecord<>(Topics.CLUSTERS, discovered.key(), EventCodec.encode(discovered)),
                BenchSupport::failOnError);
        for (int i = 0; i < count; i++) {
            Envelope<TeamMemberAdded> added = Envelope.of(PRODUCER,
                    new TeamMemberAdded("warm-up", "w" + i + "@warm-up.no"));
            producer.send(new ProducerRecord<>(Topics.TEAM_MEMBERSHIP, added.key(), EventCodec.encode(added)),
                    BenchSupport::failOnError);
        }
        producer.flush();
        // announced, not only visible: the outbox relay has no warm-up backlog left when the clock starts
        awaitAnnounced(bus, "warm-up", count, start);
        System.out.printf("bulk: warm-up, %d roles provisioned in a cluster of their own (not measured) in %.2f s%n",
                count, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Nanoseconds from {@code start} until the service announced (HumanRoleProvisioned, relayed by its outbox after
     * the pass committed) {@code roles} roles of the teams whose names start with {@code teamPrefix}. Polling 50
     * clusters' catalogs every few milliseconds, as this bench once did, cost the very cores the service and the
     * clusters were working on; reading the access topic costs them nothing, and the announcement comes after
     * the role is visible, so it never flatters the service.
     */
    private static long awaitAnnounced(TestEventBus bus, String teamPrefix, int roles, long start) {
        bus.awaitCount(EventTopic.ACCESS, envelope -> envelope.data() instanceof HumanRoleProvisioned provisioned
                && provisioned.team().startsWith(teamPrefix), roles, Duration.ofMinutes(5));
        return System.nanoTime() - start;
    }

    /**
     * The same cluster work done directly: per cluster, the service's own reconcile of {@code perCluster} new
     * roles in one pass (group set-up, role SQL, per-role guards), with the service's parallelism, on a second
     * application database of the same clusters. Run after the service's run, so its roles do not count there.
     */
    private static long directBaseline(List<PostgresCluster> clusters, int perCluster, int parallelism)
            throws Exception {
        List<SeededApplication> apps = new ArrayList<>();
        for (PostgresCluster cluster : clusters) {
            apps.add(cluster.seedApplication("baseline-app"));
        }
        Map<String, String> guards = Map.of("statement_timeout", "5min", "idle_in_transaction_session_timeout", "10min");
        List<String> emails = IntStream.range(0, perCluster).mapToObj(m -> "baseline" + m + "@example.com").toList();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clusters.size(); c++) {
            PostgresCluster pg = clusters.get(c);
            SeededApplication app = apps.get(c);
            done.add(pool.submit(() -> {
                try (Connection admin = pg.connect(app.database())) {
                    DirectReconcile.provision(admin, app.owner(), List.of("public"), emails, guards);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        long elapsed = System.nanoTime() - start;
        pool.shutdown();
        return elapsed;
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
                ms(percentile(service, 50)), ms(percentile(service, 99)), ms(service[service.length - 1]),
                ms(percentile(baseline, 50)), ms(percentile(baseline, 99)),
                (double) percentile(service, 50) / percentile(baseline, 50));
    }


    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
