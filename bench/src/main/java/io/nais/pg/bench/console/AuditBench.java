package io.nais.pg.bench.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.nais.pg.bench.ProcessCpu;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.StatementExecuted;
import io.nais.pg.events.TeamMemberAdded;

/**
 * The audit store's speed against the packaged service (real Kafka, real
 * PostgreSQL), each figure next to a baseline from the same run:
 * <ol>
 *   <li>fold rate: N StatementExecuted on one cluster (audit row + hash-chain
 *       link under the chain's head lock; the row's unique event id stands in
 *       for an inbox row) until the last is visible in {@code GET /api/audit};
 *       baseline: N TeamMemberAdded (inbox row + one upsert) until the last
 *       takes effect. Beside each rate, the CPU each event cost the service,
 *       its database, this JVM (the broker and the producer) and the machine,
 *       from {@code /proc};</li>
 *   <li>verify: {@code GET /api/audit/verify} over that N-row chain; baseline:
 *       one 100-line page of the same cluster.</li>
 * </ol>
 * Arguments: {@code <quarkus-run.jar> [events=5000]}.
 */
public final class AuditBench {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) {
        try {
            run(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 5000);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0); // Kafka's non-daemon threads would keep the JVM up
    }

    private static void run(Path jar, int events) throws Exception {
        try (ConsoleWorld world = ConsoleWorld.start(jar);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, world.kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG,
                     "all", ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
            String admin = world.adminToken();
            // long enough for the JIT to compile the fold: CPU per event would otherwise count the compiler
            foldRate(world, producer, admin, Math.min(events, 20_000), "warm-up");
            Fold fold = foldRate(world, producer, admin, events, "measured");
            System.out.printf("fold: %d StatementExecuted at %.0f events/s; baseline %d TeamMemberAdded at %.0f events/s;"
                    + " ratio %.2fx%n", events, fold.statements.perSecond, events, fold.members.perSecond,
                    fold.statements.perSecond / fold.members.perSecond);
            System.out.printf("CPU ms per event (service / its database / broker+producer / machine):"
                    + " StatementExecuted %s; baseline TeamMemberAdded %s%n", fold.statements.cpu(), fold.members.cpu());
            verify(world, admin, fold.cluster, events);
        }
    }

    private record Fold(Rate statements, Rate members, String cluster) {
    }

    /** Events a second, and the CPU milliseconds each event cost each process from the first send to visible. */
    private record Rate(double perSecond, double service, double database, double broker, double machine) {
        String cpu() {
            return String.format("%.3f / %.3f / %.3f / %.3f", service, database, broker, machine);
        }
    }

    private static Fold foldRate(ConsoleWorld world, KafkaProducer<String, byte[]> producer, String admin, int n,
                                     String label) throws Exception {
        long run = System.nanoTime() & 0xffffffL;
        String team = "bench-audit-" + run;
        String cluster = team + "/app";
        UUID session = UUID.randomUUID();
        String sentinel = "last-" + run + "@example.com";
        Rate statements = timed(world, producer, n, i -> new StatementExecuted(cluster, session, i < n - 1
                        ? "person@example.com" : sentinel, "select * from t where id = $1", false, 1, Instant.now()),
                () -> status(world, "/api/audit?cluster=" + cluster + "&person=" + sentinel + "&size=1", admin)
                        .contains(sentinel));
        String memberTeam = "bench-members-" + run;
        String lastMember = "member-" + (n - 1) + "-" + run + "@example.com";
        String lastToken = world.issuer.token().subject(lastMember).email(lastMember).sign();
        Rate members = timed(world, producer, n, i -> new TeamMemberAdded(memberTeam, "member-" + i + "-" + run + "@example.com"),
                () -> status(world, "/api/audit?team=" + memberTeam + "&size=1", lastToken).startsWith("200"));
        System.out.printf("%s: %d StatementExecuted %.0f/s, %d TeamMemberAdded %.0f/s%n", label, n, statements.perSecond,
                n, members.perSecond);
        return new Fold(statements, members, cluster);
    }

    private static Rate timed(ConsoleWorld world, KafkaProducer<String, byte[]> producer, int n,
                              Function<Integer, PlatformEvent> event, Check visible) throws Exception {
        long self = ProcessHandle.current().pid();
        ProcessCpu before = ProcessCpu.now();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Envelope<PlatformEvent> envelope = Envelope.of("bench", event.apply(i));
            producer.send(new ProducerRecord<>(envelope.topic().topicName(), envelope.key(), EventCodec.encode(envelope)));
        }
        producer.flush();
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (!visible.done()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not folded within 10 minutes");
            }
            // not tighter: each poll verifies an ES256 token and queries the store in the measured service
            Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ProcessCpu after = ProcessCpu.now();
        return new Rate(n / seconds, perEvent(after.of(world.servicePid()), before.of(world.servicePid()), n),
                perEvent(after.ofTree(world.databasePid()), before.ofTree(world.databasePid()), n),
                perEvent(after.of(self), before.of(self), n), perEvent(after.machine(), before.machine(), n));
    }

    private static double perEvent(Duration after, Duration before, int n) {
        return after.minus(before).toNanos() / 1e6 / n;
    }

    private static void verify(ConsoleWorld world, String admin, String cluster, int n) throws Exception {
        long[] verify = new long[5];
        long[] page = new long[5];
        String answer = null;
        for (int r = 0; r < 5; r++) {
            long start = System.nanoTime();
            answer = status(world, "/api/audit/verify?cluster=" + cluster, admin);
            verify[r] = System.nanoTime() - start;
            start = System.nanoTime();
            status(world, "/api/audit?cluster=" + cluster + "&size=100", admin);
            page[r] = System.nanoTime() - start;
        }
        Arrays.sort(verify);
        Arrays.sort(page);
        System.out.printf("verify: %d-row chain, median %.1f ms (%s); baseline one 100-line page %.1f ms; ratio %.1fx%n",
                n, verify[2] / 1e6, JSON.readTree(answer.substring(4)).path("ok").asBoolean() ? "ok" : "BROKEN",
                page[2] / 1e6, (double) verify[2] / page[2]);
    }

    /** "<status> <body>". */
    private static String status(ConsoleWorld world, String path, String token) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(world.url + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private interface Check {
        boolean done() throws Exception;
    }
}
