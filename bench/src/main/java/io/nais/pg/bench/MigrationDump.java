package io.nais.pg.bench;

import io.nais.pg.migration.Migration;
import io.nais.pg.migration.MigrationRequest;
import io.nais.pg.migration.connect.Endpoint;
import io.nais.pg.migration.dump.PgTools;
import io.nais.pg.migration.plan.Mode;
import io.nais.pg.migration.report.MigrationEvents;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Dump-mode migration against the plain pipeline it wraps (issue 10).
 * One source cluster with a pgbench database of about SIZE_MB, one target
 * cluster; in the same run: baseline {@code pg_dump -Fc | pg_restore --no-owner}
 * into a fresh database, {@code nais postgres migrate} dump mode (plan + copy)
 * into another, the baseline once more; prints wall times, the throughput
 * ratio (baseline time / migration copy time; target >= 0.9) and the
 * verification time separately.
 */
public final class MigrationDump {

    private static final double MB_PER_SCALE = 15.0;
    static final String SOURCE_DB = "src";

    public static void main(String[] args) throws Exception {
        int sizeMb = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        try (PostgresCluster source = PostgresCluster.builder().name("bench-source").start();
             PostgresCluster target = PostgresCluster.builder().name("bench-target").start()) {
            source.execute("postgres", "CREATE DATABASE src");
            int scale = Math.max(1, (int) Math.round(sizeMb / MB_PER_SCALE));
            run(source, List.of(source.binDir().resolve("pgbench").toString(), "-i", "-q", "-s", Integer.toString(scale), "src"));
            target.createLoginRole("app_owner", "bench");
            for (String db : List.of("baseline1", "baseline2", "migrated")) {
                target.createDatabase(db, "app_owner");
            }
            long sourceBytes = size(source);
            System.out.printf(Locale.ROOT, "source: pgbench scale %d, %.0f MB%n", scale, sourceBytes / 1048576.0);

            double baseline1 = baseline(source, target, "baseline1");
            Endpoint from = new Endpoint(source.host(), source.port(), "src", source.adminUser(), source.adminPassword(), "disable");
            Endpoint to = new Endpoint(target.host(), target.port(), "migrated", target.adminUser(), target.adminPassword(),
                    Endpoint.VERIFY_FULL, target.serverCaFile().toString());
            long start = System.nanoTime();
            Migration.Outcome outcome = new Migration(new MigrationRequest("bench/app", from, to, Mode.DUMP, false, false, false,
                    null, Duration.ofHours(1)), PgTools.locate(System::getenv), MigrationEvents.none(),
                    new PrintWriter(Writer.nullWriter()), new PrintWriter(new StringWriter())).run();
            double total = (System.nanoTime() - start) / 1e9;
            double verification = outcome.verification().duration().toMillis() / 1000.0;
            double copy = total - verification;
            double baseline2 = baseline(source, target, "baseline2");
            double baseline = (baseline1 + baseline2) / 2;

            System.out.printf(Locale.ROOT, "baseline pg_dump -Fc | pg_restore: %.2f s and %.2f s (mean %.2f s, %.1f MB/s)%n",
                    baseline1, baseline2, baseline, sourceBytes / 1048576.0 / baseline);
            System.out.printf(Locale.ROOT, "nais postgres migrate (dump, plan + copy): %.2f s (%.1f MB/s), %d bytes streamed%n",
                    copy, sourceBytes / 1048576.0 / copy, outcome.bytes());
            System.out.printf(Locale.ROOT, "throughput ratio migrate/baseline: %.2f (target >= 0.9)%n", baseline / copy);
            System.out.printf(Locale.ROOT, "verification (%d tables, %d rows, both servers concurrently): %.2f s, ok=%s%n",
                    outcome.verification().tables().size(), outcome.verification().rows(), verification, outcome.verification().ok());
        }
    }

    private static long size(PostgresCluster source) throws Exception {
        try (var c = source.connect("src"); var st = c.createStatement(); var rs = st.executeQuery("SELECT pg_database_size('src')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The plain pipeline, both ends in one shell pipe (connection strings on argv are fine for throwaway clusters). */
    static double baseline(PostgresCluster source, PostgresCluster target, String database) throws Exception {
        String bin = source.binDir().toString();
        String from = "host=" + source.host() + " port=" + source.port() + " user=" + source.adminUser() + " password="
                + source.adminPassword() + " dbname=" + SOURCE_DB;
        String to = "host=" + target.host() + " port=" + target.port() + " user=" + target.adminUser() + " password="
                + target.adminPassword() + " dbname=" + database;
        long start = System.nanoTime();
        List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
                new ProcessBuilder(bin + "/pg_dump", "-Fc", "-d", from).redirectError(ProcessBuilder.Redirect.INHERIT),
                new ProcessBuilder(bin + "/pg_restore", "--no-owner", "-d", to)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.DISCARD)));
        for (Process process : pipeline) {
            if (process.waitFor() != 0) {
                throw new IllegalStateException("baseline pipeline failed");
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static void run(PostgresCluster cluster, List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(java.util.Map.of("PGHOST", cluster.host(), "PGPORT", Integer.toString(cluster.port()),
                "PGUSER", cluster.adminUser(), "PGPASSWORD", cluster.adminPassword()));
        if (builder.start().waitFor() != 0) {
            throw new IllegalStateException(command.get(0) + " failed");
        }
    }
}
