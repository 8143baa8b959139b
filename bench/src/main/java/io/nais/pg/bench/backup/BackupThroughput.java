package io.nais.pg.bench.backup;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.nais.pg.backup.it.AgeKey;
import io.nais.pg.backup.it.S3Outage;
import io.nais.pg.testsupport.process.ChildJvm;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.s3.S3Store;

/**
 * The throughput benchmark behind {@code bench/backup-throughput.sh}: for each
 * size (MB), a pgbench database of about that size; then, in the same run,
 * {@code pg_dump -Fc > /dev/null} (the baseline) and the service's pipeline
 * (dump + age + SHA-256 + multipart upload to a local s3proxy) in a JVM of its
 * own, whose peak RSS is reported.
 */
public final class BackupThroughput {

    /** pgbench -i: about 15 MB per unit of scale (pgbench_accounts dominates). */
    private static final double MB_PER_SCALE = 15.0;
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    /** Classes of an earlier pipeline (crypto, dump, postgres, storage) to measure in the same rounds, or empty. */
    private static final String BEFORE = System.getProperty("bench.before.classes", "");

    public static void main(String[] args) throws Exception {
        List<Integer> sizesMb = new ArrayList<>();
        for (String arg : args) {
            sizesMb.add(Integer.parseInt(arg));
        }
        String heap = System.getProperty("bench.heap", "160m");
        AgeKey key = AgeKey.generate();
        try (PostgresCluster pg = PostgresCluster.builder().name("bench").setting("max_wal_size", "4GB")
                .setting("checkpoint_timeout", "30min").start();
             S3Store s3 = S3Store.start()) {
            s3.createBucket("bench");
            // test-support runs s3proxy with C1 only (fast start); a store that must keep up with a
            // backup for minutes gets the full JIT, as any real S3 server would have its native speed.
            S3Outage.stop(s3);
            ChildJvm fullJit = S3Outage.restart(s3, List.of("-XX:TieredStopAtLevel=4", "-Xmx512m"));
            System.out.printf("%-8s %-10s %-10s %-10s %-7s %-10s %-10s %-10s %-10s %-10s %-12s%n", "size", "db_bytes",
                    "pg_dump_s", "backup_s", "ratio", "cold_s", "cold_ratio", "object_MB", "peak_rss_MB", "before_s",
                    "before_ratio");
            for (int sizeMb : sizesMb) {
                String database = "bench_" + sizeMb;
                pg.execute("postgres", "CREATE DATABASE " + database);
                int scale = Math.max(1, (int) Math.round(sizeMb / MB_PER_SCALE));
                run(List.of(pg.binDir().resolve("pgbench").toString(), "-i", "-q", "-s", Integer.toString(scale),
                        "-h", pg.host(), "-p", Integer.toString(pg.port()), "-U", pg.adminUser(), database), pg, null);
                pg.execute(database, "VACUUM ANALYZE");
                long dbBytes = Long.parseLong(query(pg, database, "SELECT pg_database_size(current_database())"));

                // alternate baseline and pipeline, best of ROUNDS each: the machine is shared and noisy
                double baseline = Double.MAX_VALUE;
                double backup = Double.MAX_VALUE;
                double cold = Double.MAX_VALUE;
                double before = Double.NaN;
                Map<String, String> figures = Map.of();
                for (int round = 0; round < ROUNDS; round++) {
                    long t0 = System.nanoTime();
                    run(List.of(pg.binDir().resolve("pg_dump").toString(), "-Fc", "-h", pg.host(), "-p",
                            Integer.toString(pg.port()), "-U", pg.adminUser(), "-d", database), pg, null);
                    baseline = Math.min(baseline, (System.nanoTime() - t0) / 1e9);
                    Map<String, String> run = parse(runPipeline(pg, s3, database, key.recipient(), heap, ""));
                    if (!BEFORE.isEmpty()) {
                        double earlier = Long.parseLong(parse(runPipeline(pg, s3, database, key.recipient(), heap, BEFORE))
                                .get("millis")) / 1000.0;
                        before = Double.isNaN(before) ? earlier : Math.min(before, earlier);
                    }
                    double seconds = Long.parseLong(run.get("millis")) / 1000.0;
                    backup = Math.min(backup, seconds);
                    cold = Math.min(cold, Long.parseLong(run.get("cold_millis")) / 1000.0);
                    if (figures.isEmpty() || Long.parseLong(run.get("vmhwm_kb")) > Long.parseLong(figures.get("vmhwm_kb"))) {
                        figures = run; // report the highest peak RSS seen
                    }
                }
                System.out.printf("%-8s %-10d %-10.2f %-10.2f %-7.2f %-10.2f %-10.2f %-10.1f %-10.1f %-10.2f %-12.2f%n",
                        sizeMb + "MB", dbBytes, baseline, backup, baseline / backup, cold, baseline / cold,
                        Long.parseLong(figures.get("bytes")) / 1e6, Long.parseLong(figures.get("vmhwm_kb")) / 1024.0,
                        before, baseline / before);
                pg.execute("postgres", "DROP DATABASE " + database);
            }
            fullJit.close();
        }
        System.out.println("ratio = pg_dump -Fc >/dev/null wall time / pipeline wall time (>= 0.9 is the target); "
                + "best of " + ROUNDS + " alternating rounds; pipeline JVM: -Xmx" + heap
                + ", part 8 MiB x (2 in flight + 1); backup_s = the 3rd backup of the database in the pipeline JVM"
                + " (steady state), cold_s = its 1st; peak RSS = highest VmHWM of the rounds (all three backups);"
                + " before_s = backup_s of the pipeline in bench.before.classes (NaN without)");
    }

    /** One pipeline JVM; {@code beforeClasses} (if not empty) go first on its classpath, without phase timings. */
    private static String runPipeline(PostgresCluster pg, S3Store s3, String database, String recipient, String heap,
                                      String beforeClasses) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = beforeClasses.isEmpty() ? System.getProperty("java.class.path")
                : beforeClasses + File.pathSeparator + System.getProperty("java.class.path");
        List<String> command = List.of(java, "-Xmx" + heap, "-Dbench.phases=" + beforeClasses.isEmpty(), "-cp", classpath,
                BackupOnce.class.getName(), pg.host(), Integer.toString(pg.port()), database, pg.adminUser(),
                s3.endpoint(), "bench", recipient, Integer.toString(8 * 1024 * 1024), "2");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("PGPASSWORD", pg.adminPassword());
        builder.environment().put("PGSSLROOTCERT", pg.serverCaFile().toString());
        builder.environment().put("S3_ACCESS", s3.accessKey());
        builder.environment().put("S3_SECRET", s3.secretKey());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("pipeline failed: " + output);
        }
        return output.lines().filter(l -> l.startsWith("bytes=")).findFirst().orElseThrow();
    }

    private static Map<String, String> parse(String line) {
        Map<String, String> figures = new java.util.HashMap<>();
        for (String pair : line.trim().split(" ")) {
            String[] kv = pair.split("=", 2);
            figures.put(kv[0], kv[1]);
        }
        return figures;
    }

    private static String query(PostgresCluster pg, String database, String sql) throws Exception {
        try (var c = pg.connect(database); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void run(List<String> command, PostgresCluster pg, File output) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("PGPASSWORD", pg.adminPassword());
        builder.environment().put("PGSSLROOTCERT", pg.serverCaFile().toString());
        if (builder.start().waitFor() != 0) {
            throw new IllegalStateException(command.get(0) + " failed");
        }
    }
}
