package io.nais.pg.bench.dbagrant;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.nais.pg.bench.Percentile;
import io.nais.pg.bench.PackagedService;
import io.nais.pg.testsupport.process.ServiceJvm;
import io.nais.pg.events.EventCodec;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.events.Topics;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import io.nais.pg.testsupport.postgres.PostgresCluster;

/**
 * Expiry precision on the dba-grant-service side (bench/dba-expiry.sh, first part): N grants whose expiresAt fall
 * in the same second, against the packaged service's running timer, real PostgreSQL and Kafka. Lateness is
 * measured twice: the timer's (GrantExpired.expiredAt - expiresAt) and end to end (the Kafka record's timestamp -
 * expiresAt). The baseline is 10 grants in one second, in the same run.
 * Arguments: {@code <quarkus-run.jar> [grants=1000]}.
 */
public final class DbaExpiryBench {

    private DbaExpiryBench() {
    }

    private record Figures(long timerP50, long timerP99, long kafkaP50, long kafkaP99) {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int grants = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        try (KafkaBroker kafka = KafkaBroker.start();
             PostgresCluster serviceDb = PostgresCluster.builder().name("dba-grant-db").start();
             OidcIssuer issuer = OidcIssuer.start();
             TestEventBus events = new TestEventBus(kafka.bootstrapServers())) {
            kafka.createTopics(Infrastructure.platformTopics());
            try (ServiceJvm service = PackagedService.start("dba-grant-service", jar, Map.of(
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "quarkus.datasource.jdbc.url", serviceDb.jdbcUrl("postgres"),
                    "quarkus.datasource.username", serviceDb.adminUser(),
                    "quarkus.datasource.password", serviceDb.adminPassword(),
                    "quarkus.oidc.auth-server-url", issuer.issuerUrl())).awaitReady(Duration.ofMinutes(3))) {
                System.err.println("service log: " + service.log());
                Figures baseline = measure(serviceDb, events, 10);
                Figures load = measure(serviceDb, events, grants);
                String report = String.format("""
                        dba-expiry: GrantExpired lateness after expiresAt (timer interval 200 ms)
                          baseline  %5d grants in one second: timer p50 %4d ms p99 %4d ms | on Kafka p50 %4d ms p99 %4d ms
                          load      %5d grants in one second: timer p50 %4d ms p99 %4d ms | on Kafka p50 %4d ms p99 %4d ms
                          ratio load/baseline (p99 on Kafka): %.2f   target: p99 < 2000 ms -> %s
                        """, 10, baseline.timerP50, baseline.timerP99, baseline.kafkaP50, baseline.kafkaP99,
                        grants, load.timerP50, load.timerP99, load.kafkaP50, load.kafkaP99,
                        (double) load.kafkaP99 / Math.max(1, baseline.kafkaP99),
                        load.kafkaP99 < 2000 ? "met" : "MISSED");
                System.out.print(report);
                Files.writeString(Path.of("bench/target/dba-expiry-grant-service-bench.txt"), report);
            }
        }
    }

    private static Figures measure(PostgresCluster serviceDb, TestEventBus events, int count) throws Exception {
        String team = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        Instant second = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(4);
        Map<UUID, Instant> expiresAt = insert(serviceDb, team, count, second);
        Thread.sleep(Duration.between(Instant.now(), second).toMillis() + 1000);
        List<Long> timer = new ArrayList<>();
        List<Long> kafka = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (timer.size() < count && System.nanoTime() < deadline) {
            timer.clear();
            kafka.clear();
            for (ConsumerRecord<String, byte[]> record : events.readAllRaw(Topics.DBA_GRANTS)) {
                if (EventCodec.decode(record.value()).data() instanceof GrantExpired expired
                        && expiresAt.containsKey(expired.grantId())) {
                    Instant due = expiresAt.get(expired.grantId());
                    timer.add(Duration.between(due, expired.expiredAt()).toMillis());
                    kafka.add(record.timestamp() - due.toEpochMilli());
                }
            }
        }
        if (timer.size() < count) {
            throw new IllegalStateException("only " + timer.size() + " of " + count + " grants expired within 60 s");
        }
        return new Figures(Percentile.of(timer, 50), Percentile.of(timer, 99), Percentile.of(kafka, 50), Percentile.of(kafka, 99));
    }

    /** Grants already approved, written to the service's table as its approval writes them, expiresAt spread over one second. */
    private static Map<UUID, Instant> insert(PostgresCluster serviceDb, String team, int count, Instant second)
            throws Exception {
        Map<UUID, Instant> expiresAt = new HashMap<>();
        String sql = """
                INSERT INTO dba_grant (grant_id, cluster_id, team, requester, reason, duration, state, decided_by,
                    requested_at, granted_at, expires_at)
                VALUES (?, ?, ?, 'dba@example.com', 'expiry benchmark', interval '10 seconds', 'GRANTED',
                    'lead@example.com', now(), now(), ?)
                """;
        try (Connection c = serviceDb.connect("postgres"); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                Instant due = second.plusMillis(ThreadLocalRandom.current().nextInt(1000));
                s.setString(1, id.toString());
                s.setString(2, team + "/app");
                s.setString(3, team);
                s.setObject(4, OffsetDateTime.ofInstant(due, ZoneOffset.UTC));
                s.addBatch();
                expiresAt.put(id, due);
            }
            s.executeBatch();
        }
        return expiresAt;
    }
}
