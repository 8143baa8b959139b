package io.nais.pg.bench.access;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;

/** What the access-service benchmarks share: the service's configuration, clusters and waits. */
final class BenchSupport {

    private BenchSupport() {
    }

    /**
     * The packaged service against this broker and database; provisioning only (no gateway, no issuer). The
     * periodic full resync is pushed past the run: one that fired during a baseline (by default it first fires 30 s
     * after start) would charge the service's work to the baseline.
     */
    static Map<String, String> serviceConfig(String bootstrapServers, PostgresCluster serviceDb, int parallelism) {
        return Map.of(
                "nais.access.provisioning.resync-delay", "PT1H",
                "quarkus.datasource.jdbc.url", serviceDb.jdbcUrl("postgres"),
                "quarkus.datasource.username", serviceDb.adminUser(),
                "quarkus.datasource.password", serviceDb.adminPassword(),
                "kafka.bootstrap.servers", bootstrapServers,
                "nais.access.mode", "provisioning",
                "quarkus.log.category.\"io.nais.pg.access\".level",
                Boolean.getBoolean("bench.trace") ? "DEBUG" : "INFO",
                "nais.access.provisioning.parallelism", Integer.toString(parallelism));
    }

    /** Small clusters, started one after the other; {@code configure} adds what a benchmark needs. */
    static List<PostgresCluster> startClusters(String name, int count, UnaryOperator<PostgresCluster.Builder> configure) {
        List<PostgresCluster> clusters = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < count; c++) {
            clusters.add(configure.apply(PostgresCluster.builder().name(name + c).setting("shared_buffers", "8MB"))
                    .start());
        }
        System.out.printf("started %d clusters in %.1f s%n", count, (System.nanoTime() - start) / 1e9);
        return clusters;
    }

    static ClusterDiscovered discovered(PostgresCluster pg, SeededApplication app, String team, String name) {
        return discovered(pg, pg.port(), app, team, name);
    }

    /** As if the cluster listened on {@code port} (a proxy in front of it). */
    static ClusterDiscovered discovered(PostgresCluster pg, int port, SeededApplication app, String team, String name) {
        return new ClusterDiscovered(team + "/" + name, team, name, pg.host(), port, app.database(), app.owner(),
                List.of("public"), "file:" + pg.adminSecretFile(), "15", "Running");
    }

    /** Polls {@code sql} (one count) as the admin until it reaches {@code count}. */
    static void awaitCount(PostgresCluster pg, String database, String sql, int count, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection admin = pg.connect(database); Statement st = admin.createStatement()) {
            while (true) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    if (rs.getInt(1) >= count) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out waiting for " + count + " on " + pg);
                }
                Thread.sleep(20);
            }
        }
    }

    /** A producer callback for sends nobody waits on: a lost bench event must stop the run, not skew it. */
    static void failOnError(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception error) {
        if (error != null) {
            throw new IllegalStateException("a bench event was not acknowledged", error);
        }
    }
}
