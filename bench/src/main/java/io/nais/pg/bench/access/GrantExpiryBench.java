package io.nais.pg.bench.access;

import static io.nais.pg.bench.access.BenchSupport.awaitCount;
import static io.nais.pg.bench.access.BenchSupport.discovered;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import io.nais.pg.bench.Percentile;
import io.nais.pg.bench.PackagedService;
import io.nais.pg.testsupport.process.ServiceJvm;
import io.nais.pg.access.provisioning.HumanSessions;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.Topics;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;

/**
 * Expiry precision on the access-service side (bench/dba-expiry.sh, second part): N DBA grants on C real
 * clusters whose expiresAt fall in the same second, each DBA holding an open TLS client-certificate session
 * as their SUPERUSER role. access-service alone ends them (its own deadline timer; no GrantExpired is sent,
 * the defence-in-depth path and the slower one). Measured per grant, relative to expiresAt:
 * <ol>
 *   <li>demoted: the role is NOSUPERUSER in the cluster ({@code pg_roles.rolsuper}),</li>
 *   <li>session ended: the DBA's backend is gone from {@code pg_stat_activity} (terminated by the server);
 *       afterwards every client connection is checked to be dead.</li>
 * </ol>
 * One watcher per cluster polls both every 5 ms (the figures' resolution). Baseline: 10 grants in one
 * second on the same clusters, in the same run.
 * Arguments: {@code <quarkus-run.jar> [grants=1000] [clusters=10] [lead-seconds=90]}.
 */
public final class GrantExpiryBench {

    private static final String PRODUCER = "bench";
    private static final Duration POLL = Duration.ofMillis(5);

    private record Grant(String email, int cluster, Instant expiresAt) {
    }

    private record Figures(long[] demoted, long[] ended) {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int grants = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int clusterCount = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int lead = args.length > 3 ? Integer.parseInt(args[3]) : 90;

        CertificateAuthority ca = CertificateAuthority.create("bench-ca", Duration.ofHours(2));
        int sessionsPerCluster = grants / clusterCount + 20;
        try (KafkaBroker kafka = KafkaBroker.start();
             PostgresCluster serviceDb = PostgresCluster.builder().name("access-db").start();
             TestEventBus bus = new TestEventBus(kafka.bootstrapServers())) {
            kafka.createTopics(Topics.TEAM_MEMBERSHIP, Topics.CLUSTERS, Topics.ACCESS, Topics.DBA_GRANTS,
                    Topics.TEAM_MEMBERSHIP_DLQ, Topics.CLUSTERS_DLQ, Topics.DBA_GRANTS_DLQ);
            List<PostgresCluster> clusters = BenchSupport.startClusters("expiry", clusterCount,
                    b -> HumanSessions.withCertificateLogins(b, ca)
                            .setting("max_connections", Integer.toString(sessionsPerCluster + 20)));
            try (ServiceJvm service = PackagedService.start("access-service", jar,
                    BenchSupport.serviceConfig(kafka.bootstrapServers(), serviceDb, 8))) {
                System.out.println("service log: " + service.log());
                List<SeededApplication> apps = new ArrayList<>();
                for (int c = 0; c < clusterCount; c++) {
                    apps.add(clusters.get(c).seedApplication("dba-app"));
                    bus.publish(Envelope.of(PRODUCER, discovered(clusters.get(c), apps.get(c), team(c), "dba-app")));
                }
                for (int c = 0; c < clusterCount; c++) {
                    awaitCount(clusters.get(c), apps.get(c).database(),
                            "SELECT count(*) FROM pg_roles WHERE rolname = 'nais_human'", 1, Duration.ofMinutes(2));
                }
                HumanSessions[] humans = clusters.stream().map(pg -> new HumanSessions(pg, ca))
                        .toArray(HumanSessions[]::new);
                Figures baseline = measure("base", 10, clusters, apps, humans, bus, 20);
                Figures load = measure("load", grants, clusters, apps, humans, bus, lead);
                String report = report(baseline, load, grants, clusterCount);
                System.out.print(report);
                Files.writeString(Path.of("bench/target/dba-expiry-access-bench.txt"), report);
            } finally {
                for (PostgresCluster pg : clusters) {
                    pg.close();
                }
            }
        }
    }

    private static Figures measure(String name, int count, List<PostgresCluster> clusters,
                                   List<SeededApplication> apps, HumanSessions[] humans, TestEventBus bus,
                                   int leadSeconds) throws Exception {
        Instant second = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(leadSeconds);
        List<Grant> grants = grant(name, count, clusters.size(), second, bus);
        awaitSuperusers(grants, clusters, apps);
        List<Connection> sessions = openSessions(grants, apps, humans);
        if (Instant.now().isAfter(second)) {
            throw new IllegalStateException("set-up ran past the expiry second; raise lead-seconds");
        }
        try {
            Figures figures = watch(grants, clusters, apps);
            assertAllSessionsDead(sessions);
            return figures;
        } finally {
            for (Connection session : sessions) {
                session.close();
            }
        }
    }

    /** DbaAccessGranted for DBAs who are not team members, expiresAt spread over one second. */
    private static List<Grant> grant(String name, int count, int clusterCount, Instant second, TestEventBus bus) {
        List<Grant> grants = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            int c = i % clusterCount;
            Grant g = new Grant("dba-" + name + i + "@example.com", c,
                    second.plusMillis(ThreadLocalRandom.current().nextInt(1000)));
            bus.publish(Envelope.of(PRODUCER, new DbaAccessGranted(UUID.randomUUID(), clusterId(c), team(c), g.email(),
                    "lead@example.com", now, g.expiresAt())));
            grants.add(g);
        }
        return grants;
    }

    private static void awaitSuperusers(List<Grant> grants, List<PostgresCluster> clusters,
                                        List<SeededApplication> apps) throws Exception {
        long start = System.nanoTime();
        for (int c = 0; c < clusters.size(); c++) {
            int cluster = c;
            String[] emails = grants.stream().filter(g -> g.cluster() == cluster).map(Grant::email)
                    .toArray(String[]::new);
            String list = String.join(",", Arrays.stream(emails).map(e -> "'" + e + "'").toList());
            awaitCount(clusters.get(c), apps.get(c).database(),
                    "SELECT count(*) FROM pg_roles WHERE rolsuper AND rolname IN (" + list + ")", emails.length,
                    Duration.ofMinutes(3));
        }
        System.out.printf("%d grants: every role SUPERUSER after %.1f s%n", grants.size(),
                (System.nanoTime() - start) / 1e9);
    }

    /** One real session per grant, as the DBA (TLS client certificate), opened 8 at a time. */
    private static List<Connection> openSessions(List<Grant> grants, List<SeededApplication> apps,
                                                 HumanSessions[] humans) throws Exception {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Connection>> opening = new ArrayList<>();
            for (Grant g : grants) {
                opening.add(pool.submit(() -> humans[g.cluster()].connect(apps.get(g.cluster()).database(),
                        g.email())));
            }
            List<Connection> sessions = new ArrayList<>();
            for (Future<Connection> f : opening) {
                sessions.add(f.get());
            }
            System.out.printf("%d sessions open after %.1f s%n", sessions.size(), (System.nanoTime() - start) / 1e9);
            return sessions;
        } finally {
            pool.shutdown();
        }
    }

    /** One watcher per cluster records when each role stopped being SUPERUSER and when its backend went. */
    private static Figures watch(List<Grant> grants, List<PostgresCluster> clusters, List<SeededApplication> apps)
            throws Exception {
        Map<String, Instant> demotedAt = new ConcurrentHashMap<>();
        Map<String, Instant> endedAt = new ConcurrentHashMap<>();
        ExecutorService watchers = Executors.newFixedThreadPool(clusters.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clusters.size(); c++) {
                int cluster = c;
                List<String> emails = grants.stream().filter(g -> g.cluster() == cluster).map(Grant::email).toList();
                done.add(watchers.submit(() -> {
                    watchCluster(clusters.get(cluster), apps.get(cluster).database(), emails, demotedAt, endedAt);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            watchers.shutdownNow();
        }
        long[] demoted = new long[grants.size()];
        long[] ended = new long[grants.size()];
        for (int i = 0; i < grants.size(); i++) {
            Grant g = grants.get(i);
            demoted[i] = Duration.between(g.expiresAt(), demotedAt.get(g.email())).toMillis();
            ended[i] = Duration.between(g.expiresAt(), endedAt.get(g.email())).toMillis();
        }
        Arrays.sort(demoted);
        Arrays.sort(ended);
        return new Figures(demoted, ended);
    }

    private static void watchCluster(PostgresCluster pg, String database, List<String> emails,
                                     Map<String, Instant> demotedAt, Map<String, Instant> endedAt) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        try (Connection admin = pg.connect(database);
             PreparedStatement superusers = admin.prepareStatement(
                     "SELECT rolname FROM pg_roles WHERE rolsuper AND rolname = ANY (?)");
             PreparedStatement connected = admin.prepareStatement(
                     "SELECT DISTINCT usename FROM pg_stat_activity WHERE usename = ANY (?)")) {
            String[] all = emails.toArray(String[]::new);
            superusers.setArray(1, admin.createArrayOf("text", all));
            connected.setArray(1, admin.createArrayOf("text", all));
            while (!(demotedAt.keySet().containsAll(emails) && endedAt.keySet().containsAll(emails))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("grants on " + pg + " not all ended after 3 minutes");
                }
                recordGone(superusers, emails, demotedAt);
                recordGone(connected, emails, endedAt);
                Thread.sleep(POLL.toMillis());
            }
        }
    }

    /** Everyone the query no longer returns is recorded, once, as gone at this instant. */
    private static void recordGone(PreparedStatement still, List<String> emails, Map<String, Instant> goneAt)
            throws Exception {
        Instant now = Instant.now();
        Map<String, Boolean> present = new HashMap<>();
        try (ResultSet rs = still.executeQuery()) {
            while (rs.next()) {
                present.put(rs.getString(1), true);
            }
        }
        for (String email : emails) {
            if (!present.containsKey(email)) {
                goneAt.putIfAbsent(email, now);
            }
        }
    }

    private static void assertAllSessionsDead(List<Connection> sessions) throws Exception {
        for (Connection session : sessions) {
            if (session.isValid(2)) {
                throw new IllegalStateException("a DBA session survived its grant");
            }
        }
    }

    private static String report(Figures base, Figures load, int grants, int clusters) {
        return String.format("""
                dba-expiry (access-service, own deadline timer, no GrantExpired): lateness after expiresAt
                  baseline  %5d grants in one second: NOSUPERUSER p50 %4d ms p99 %4d ms | session ended p50 %4d ms p99 %4d ms
                  load      %5d grants in one second over %d clusters, one open session each:
                                                       NOSUPERUSER p50 %4d ms p99 %4d ms | session ended p50 %4d ms p99 %4d ms
                  ratio load/baseline (p99 session ended): %.2f   target: p99 < 2000 ms -> %s
                """, base.ended().length, Percentile.of(base.demoted(), 50), Percentile.of(base.demoted(), 99),
                Percentile.of(base.ended(), 50), Percentile.of(base.ended(), 99),
                grants, clusters, Percentile.of(load.demoted(), 50), Percentile.of(load.demoted(), 99),
                Percentile.of(load.ended(), 50), Percentile.of(load.ended(), 99),
                (double) Percentile.of(load.ended(), 99) / Math.max(1, Percentile.of(base.ended(), 99)),
                Math.max(Percentile.of(load.ended(), 99), Percentile.of(load.demoted(), 99)) < 2000 ? "met" : "MISSED");
    }

    private static String team(int c) {
        return "team-x" + c;
    }

    private static String clusterId(int c) {
        return team(c) + "/dba-app";
    }
}
