package io.nais.pg.dbagrant.bench;

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

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.nais.pg.events.EventCodec;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.events.Topics;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Expiry precision (bench/dba-expiry.sh): N grants whose expiresAt fall in the
 * same second, against the running timer, real PostgreSQL and Kafka. Lateness
 * is measured twice: the timer's (GrantExpired.expiredAt - expiresAt) and
 * end to end (the Kafka record's timestamp - expiresAt). The baseline is 10
 * grants in one second, in the same run.
 */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
@EnabledIfSystemProperty(named = "bench", matches = "true")
class DbaExpiryBench {

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    DataSource dataSource;

    @Test
    void expiryLateness() throws Exception {
        int grants = Integer.getInteger("bench.grants", 1000);
        Figures baseline = measure(10);
        Figures load = measure(grants);
        String report = String.format("""
                dba-expiry: GrantExpired lateness after expiresAt (timer interval 200 ms)
                  baseline  %5d grants in one second: timer p50 %4d ms p99 %4d ms | on Kafka p50 %4d ms p99 %4d ms
                  load      %5d grants in one second: timer p50 %4d ms p99 %4d ms | on Kafka p50 %4d ms p99 %4d ms
                  ratio load/baseline (p99 on Kafka): %.2f   target: p99 < 2000 ms -> %s
                """, 10, baseline.timerP50, baseline.timerP99, baseline.kafkaP50, baseline.kafkaP99,
                grants, load.timerP50, load.timerP99, load.kafkaP50, load.kafkaP99,
                (double) load.kafkaP99 / Math.max(1, baseline.kafkaP99), load.kafkaP99 < 2000 ? "met" : "MISSED");
        System.out.println(report);
        Files.writeString(Path.of("target/dba-expiry-bench.txt"), report);
    }

    private Figures measure(int count) throws Exception {
        String team = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        Instant second = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(4);
        Map<UUID, Instant> expiresAt = insert(team, count, second);
        Thread.sleep(Duration.between(Instant.now(), second).toMillis() + 1000);
        List<Long> timer = new ArrayList<>();
        List<Long> kafka = new ArrayList<>();
        try (TestEventBus events = infra.events()) {
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
        }
        if (timer.size() < count) {
            throw new AssertionError("only " + timer.size() + " of " + count + " grants expired within 60 s");
        }
        return new Figures(percentile(timer, 50), percentile(timer, 99), percentile(kafka, 50), percentile(kafka, 99));
    }

    /** Grants already approved, their expiresAt spread over one second. */
    private Map<UUID, Instant> insert(String team, int count, Instant second) throws Exception {
        Map<UUID, Instant> expiresAt = new HashMap<>();
        String sql = """
                INSERT INTO dba_grant (grant_id, cluster_id, team, requester, reason, duration, state, decided_by,
                    requested_at, granted_at, expires_at)
                VALUES (?, ?, ?, 'dba@example.com', 'expiry benchmark', interval '10 seconds', 'GRANTED',
                    'lead@example.com', now(), now(), ?)
                """;
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
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

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    private record Figures(long timerP50, long timerP99, long kafkaP50, long kafkaP99) {
    }
}
