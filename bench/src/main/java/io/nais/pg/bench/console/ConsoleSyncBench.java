package io.nais.pg.bench.console;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.nais.pg.console.kubernetes.ZalandoPostgresql;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;

/**
 * console-sync-service speed, each figure next to a baseline measured in the same run:
 * <ol>
 *   <li>listing: 2,000 clusters in the admin API ({@code GET /api/postgres?size=2000}, and paged
 *       by 500 and by 100), response time and bytes; baseline: a 20-cluster page;</li>
 *   <li>sync lag: a {@code postgresql} resource created or updated in the Kubernetes API →
 *       ClusterDiscovered/ClusterUpdated on Kafka → visible in {@code GET /api/teams/{team}/postgres};
 *       baselines: a bare Kafka produce→consume round trip, one API read, and a ClusterDiscovered
 *       published straight to Kafka → visible in the API (the part without Kubernetes and outbox).</li>
 * </ol>
 * Arguments: {@code <quarkus-run.jar> [changes=200] [clusters=2000] [reads=20]}.
 */
public final class ConsoleSyncBench {

    static final String LAG_TOPIC = "bench.lag";
    private static final String PRODUCER = "bench";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0); // the Kubernetes client's and Kafka's non-daemon threads would keep the JVM up
    }

    private static void run(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int clusters = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int reads = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        try (ConsoleWorld world = ConsoleWorld.start(jar);
             KafkaProducer<String, byte[]> producer = producer(world.kafka.bootstrapServers());
             KafkaConsumer<String, byte[]> lagConsumer = lagConsumer(world.kafka.bootstrapServers())) {
            String token = world.adminToken();
            listing(world, producer, token, clusters, reads);
            syncLag(world, producer, lagConsumer, token, 10, false);
            syncLag(world, producer, lagConsumer, token, changes, true);
        }
    }

    // ---- 2,000 clusters in the admin API ----

    private static void listing(ConsoleWorld world, KafkaProducer<String, byte[]> producer, String token,
                                int clusters, int reads) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < clusters; i++) {
            Envelope<ClusterDiscovered> event = Envelope.of(PRODUCER, discovered("fleet-" + (i % 200), "app-" + i));
            producer.send(new ProducerRecord<>(event.topic().topicName(), event.key(), EventCodec.encode(event)));
        }
        producer.flush();
        awaitUntil(() -> json(world.get("/api/postgres?size=1", token).body()).get("total").asLong() >= clusters,
                Duration.ofMinutes(5));
        System.out.printf("listing: %d ClusterDiscovered folded into the read model in %.1f s%n", clusters,
                (System.nanoTime() - start) / 1e9);

        Timing full = timeReads(world, token, reads, List.of("/api/postgres?size=" + clusters));
        Timing by500 = timeReads(world, token, reads, pages(clusters, 500));
        Timing by100 = timeReads(world, token, reads, pages(clusters, 100));
        Timing twenty = timeReads(world, token, reads, List.of("/api/postgres?size=20"));
        System.out.printf("listing baseline: 20 clusters, p50 %.1f ms p99 %.1f ms, %d bytes%n",
                ms(twenty.p50()), ms(twenty.p99()), twenty.bytes);
        report("listing: " + clusters + " clusters, one page", full, twenty);
        report("listing: " + clusters + " clusters, pages of 500 (all pages)", by500, twenty);
        report("listing: " + clusters + " clusters, pages of 100 (all pages)", by100, twenty);
    }

    private static List<String> pages(int clusters, int size) {
        return IntStream.range(0, (clusters + size - 1) / size)
                .mapToObj(page -> "/api/postgres?size=" + size + "&page=" + page).toList();
    }

    /** Each read fetches every path in turn; three uncounted rounds warm up first. */
    private static Timing timeReads(ConsoleWorld world, String token, int reads, List<String> paths) {
        long[] nanos = new long[reads];
        long bytes = 0;
        for (int r = -3; r < reads; r++) {
            long start = System.nanoTime();
            bytes = 0;
            for (String path : paths) {
                bytes += world.get(path, token).body().getBytes(StandardCharsets.UTF_8).length;
            }
            if (r >= 0) {
                nanos[r] = System.nanoTime() - start;
            }
        }
        return new Timing(nanos, bytes);
    }

    private static void report(String what, Timing timing, Timing baseline) {
        System.out.printf("%s (n=%d): p50 %.1f ms p99 %.1f ms, %d bytes; ratio to the 20-cluster page:"
                        + " time p50 %.1fx, bytes %.0fx%n", what, timing.nanos.length, ms(timing.p50()),
                ms(timing.p99()), timing.bytes, (double) timing.p50() / baseline.p50(),
                (double) timing.bytes / baseline.bytes);
    }

    // ---- sync lag ----

    private static void syncLag(ConsoleWorld world, KafkaProducer<String, byte[]> producer,
                                KafkaConsumer<String, byte[]> lagConsumer, String token, int changes, boolean print)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        long[] kubernetes = new long[changes];
        long[] kafkaLag = new long[changes];
        long[] apiRead = new long[changes];
        long[] directEvent = new long[changes];
        var resources = world.kubernetes.genericKubernetesResources(ZalandoPostgresql.CONTEXT);
        for (int i = 0; i < changes; i++) {
            // even: a new cluster in its own team (its own namespace: the namespace is the team); odd: the previous cluster moves to version 16
            String team = "k8s-" + run + "-" + (i / 2);
            boolean create = i % 2 == 0;
            String teamPath = "/api/teams/" + team + "/postgres";
            long start = System.nanoTime();
            if (create) {
                resources.inNamespace(team).resource(postgresql(team, "15", "Creating")).create();
                awaitInApi(world, token, teamPath, c -> c.path("app").asText().equals("app"));
            } else {
                resources.inNamespace(team).resource(postgresql(team, "16", "Running")).update();
                awaitInApi(world, token, teamPath, c -> c.path("pgVersion").asText().equals("16"));
            }
            kubernetes[i] = System.nanoTime() - start;

            start = System.nanoTime();
            world.get(teamPath, token);
            apiRead[i] = System.nanoTime() - start;

            kafkaLag[i] = kafkaRoundTrip(producer, lagConsumer, i);

            String directTeam = "direct-" + run + "-" + i;
            start = System.nanoTime();
            Envelope<ClusterDiscovered> event = Envelope.of(PRODUCER, discovered(directTeam, "app"));
            producer.send(new ProducerRecord<>(event.topic().topicName(), event.key(), EventCodec.encode(event)));
            awaitInApi(world, token, "/api/teams/" + directTeam + "/postgres", c -> c.path("app").asText().equals("app"));
            directEvent[i] = System.nanoTime() - start;
        }
        if (!print) {
            return;
        }
        Arrays.sort(kubernetes);
        Arrays.sort(kafkaLag);
        Arrays.sort(apiRead);
        Arrays.sort(directEvent);
        System.out.printf("sync lag: Kubernetes create/update -> visible in the API (n=%d): p50 %.1f ms p99 %.1f ms"
                        + " max %.1f ms (target p99 < 1000 ms)%n", changes, ms(pct(kubernetes, 50)),
                ms(pct(kubernetes, 99)), ms(kubernetes[changes - 1]));
        baseline("bare Kafka produce -> consume", kafkaLag, kubernetes);
        baseline("one API read (GET /api/teams/{team}/postgres)", apiRead, kubernetes);
        baseline("ClusterDiscovered published to Kafka -> visible in the API", directEvent, kubernetes);
    }

    private static void baseline(String what, long[] sorted, long[] kubernetes) {
        System.out.printf("sync lag baseline: %s: p50 %.2f ms p99 %.2f ms; sync lag ratio p50 %.1fx p99 %.1fx%n",
                what, ms(pct(sorted, 50)), ms(pct(sorted, 99)), (double) pct(kubernetes, 50) / pct(sorted, 50),
                (double) pct(kubernetes, 99) / pct(sorted, 99));
    }

    private static void awaitInApi(ConsoleWorld world, String token, String path, Predicate<JsonNode> cluster)
            throws Exception {
        awaitUntil(() -> {
            for (JsonNode node : json(world.get(path, token).body())) {
                if (cluster.test(node)) {
                    return true;
                }
            }
            return false;
        }, Duration.ofSeconds(30));
    }

    private static long kafkaRoundTrip(KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> consumer,
                                       int i) {
        String key = "lag-" + i;
        long start = System.nanoTime();
        producer.send(new ProducerRecord<>(LAG_TOPIC, key, new byte[64]));
        producer.flush();
        while (true) {
            ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(1));
            for (var record : records) {
                if (record.key().equals(key)) {
                    return System.nanoTime() - start;
                }
            }
            if (System.nanoTime() - start > Duration.ofSeconds(30).toNanos()) {
                throw new IllegalStateException("lag record " + key + " not consumed in 30 s");
            }
        }
    }

    private static GenericKubernetesResource postgresql(String team, String version, String status) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(ZalandoPostgresql.API_VERSION).withKind(ZalandoPostgresql.KIND)
                .withNewMetadata().withName(team).withNamespace(team).withLabels(Map.of("app", "app"))
                .endMetadata()
                .addToAdditionalProperties("spec", Map.of("teamId", team, "postgresql", Map.of("version", version),
                        "databases", Map.of("app", "app_owner")))
                .addToAdditionalProperties("status", Map.of("PostgresClusterStatus", status))
                .build();
    }

    private static ClusterDiscovered discovered(String team, String app) {
        return new ClusterDiscovered(team + "/" + app, team, app, app + "." + team + ".svc", 5432, app, app + "_owner",
                List.of("public"), "k8s:" + team + "/postgres." + app + ".credentials.postgresql.acid.zalan.do", "15",
                "Running");
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> lagConsumer(String bootstrapServers) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 1), new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(LAG_TOPIC, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition);
        return consumer;
    }

    private interface Check {
        boolean done() throws Exception;
    }

    private static void awaitUntil(Check check, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.done()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done within " + timeout);
            }
            Thread.sleep(2);
        }
    }

    private static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    private record Timing(long[] nanos, long bytes) {
        Timing {
            nanos = nanos.clone();
            Arrays.sort(nanos);
        }

        long p50() {
            return pct(nanos, 50);
        }

        long p99() {
            return pct(nanos, 99);
        }
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
