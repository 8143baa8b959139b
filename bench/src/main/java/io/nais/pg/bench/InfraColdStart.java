package io.nais.pg.bench;

import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import java.nio.file.Path;
import java.util.List;

/**
 * Cold start of the test infrastructure: a Kafka broker (format storage + start
 * a child JVM + first admin answer) and PostgreSQL clusters (the first of a JVM
 * runs initdb for the template; later ones copy it and start). Baselines
 * measured in the same run: a bare child JVM ({@code java -version}) for Kafka,
 * a restart of an existing cluster for PostgreSQL.
 *
 * <p>Usage: {@code InfraColdStart [runs]} (default 5).
 */
public final class InfraColdStart {

    private InfraColdStart() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Stats jvm = new Stats("baseline: bare child JVM (java -version)");
        Stats kafka = new Stats("Kafka broker cold start (format + start + ready)");
        Stats pgRestart = new Stats("baseline: PostgreSQL restart of existing data");
        Stats first = new Stats("PostgreSQL first cluster of a JVM (initdb + start)");
        Stats pg = new Stats("PostgreSQL next cluster (template copy + start)");
        first.add(time(() -> PostgresCluster.builder().name("first").start().close()));
        for (int run = 0; run < runs; run++) {
            jvm.add(time(InfraColdStart::bareJvm));
            kafka.add(time(() -> KafkaBroker.start().close()));
            PostgresCluster[] cluster = new PostgresCluster[1];
            pg.add(time(() -> cluster[0] = PostgresCluster.builder().name("bench").start()));
            cluster[0].stop();
            pgRestart.add(time(cluster[0]::start));
            cluster[0].close();
            System.err.printf("run %d/%d done%n", run + 1, runs);
        }
        print(List.of(jvm, kafka), List.of(pgRestart, first, pg));
    }

    private static void print(List<Stats> kafkaRows, List<Stats> pgRows) {
        System.out.printf("%-52s %5s %10s %10s %8s%n", "what", "runs", "p50 ms", "max ms", "x base");
        for (List<Stats> group : List.of(kafkaRows, pgRows)) {
            double base = group.get(0).p50Millis();
            for (Stats s : group) {
                System.out.printf("%-52s %5d %10.0f %10.0f %8.1f%n", s.name(), s.runs(), s.p50Millis(), s.maxMillis(), s.p50Millis() / base);
            }
        }
    }

    private static void bareJvm() {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-version")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long time(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return System.nanoTime() - start;
    }
}
