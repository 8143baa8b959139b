package io.nais.pg.bench.backup;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.nais.pg.backup.crypto.AgeCipher;
import io.nais.pg.backup.dump.BackupPipeline;
import io.nais.pg.backup.dump.Manifest;
import io.nais.pg.kit.logging.PhaseTimings;
import io.nais.pg.backup.postgres.PgTools;
import io.nais.pg.backup.storage.ObjectStore;
import io.nais.pg.kit.clusters.AdminCredentials;
import io.nais.pg.kit.clusters.LibpqAdminLogin;

/**
 * One backup with the service's own pipeline classes, in a JVM of its own so
 * that its peak RSS (VmHWM) is the pipeline's alone. Prints one line:
 * {@code bytes=… sha256=… millis=… cold_millis=… vmhwm_kb=…}: the database is backed up
 * three times; {@code millis} is the third (warm) run, {@code cold_millis} the first.
 *
 * <p>Args: host port database user s3Endpoint bucket recipient partSize uploadsInFlight;
 * the password comes in PGPASSWORD, the cluster's CA file in PGSSLROOTCERT, the S3 secret in S3_SECRET.
 * Both sessions are the service's: verified TLS and a fixed search_path ({@link LibpqAdminLogin}).
 */
public final class BackupOnce {

    private static final boolean PHASES = Boolean.parseBoolean(System.getProperty("bench.phases", "true"));

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String database = args[2];
        String user = args[3];
        String password = System.getenv("PGPASSWORD");
        ObjectStore store = new ObjectStore(new ObjectStore.Settings(Optional.of(URI.create(args[4])), args[5],
                "us-east-1", System.getenv("S3_ACCESS"), System.getenv("S3_SECRET"), true, "bench/",
                Integer.parseInt(args[7]), Integer.parseInt(args[8])));
        AgeCipher cipher = new AgeCipher(List.of(args[6]));
        BackupPipeline pipeline = new BackupPipeline(PgTools.locate(Optional.empty()), cipher, store, "bench/",
                Clock.systemUTC());
        LibpqAdminLogin libpq = new LibpqAdminLogin(host, port, database,
                new AdminCredentials(user, password, Path.of(System.getenv("PGSSLROOTCERT"))));
        Properties login = new Properties();
        login.setProperty("user", user);
        login.setProperty("password", password);
        login.setProperty("sslmode", libpq.environment().get("PGSSLMODE"));
        login.setProperty("sslrootcert", libpq.environment().get("PGSSLROOTCERT"));
        login.setProperty("options", libpq.environment().get("PGOPTIONS"));
        // The service is long-running (a replica backs up many clusters a night): the timed run
        // is the third backup of the same database in this JVM, so the JIT (C2 still compiles
        // SHA-256, ChaCha20 and Poly1305 during the second), the SDK's connection pool and the
        // store are warm, as in the steady state. The first (cold) run is reported too.
        PhaseTimings coldTimings = new PhaseTimings();
        long coldStart = System.nanoTime();
        backup(pipeline, host, port, database, libpq, login, coldTimings);
        long coldMillis = (System.nanoTime() - coldStart) / 1_000_000;
        System.err.println("phases " + database + " (cold): " + coldTimings);
        backup(pipeline, host, port, database, libpq, login, new PhaseTimings());
        long cpuBefore = cpuNanos();
        long start = System.nanoTime();
        PhaseTimings timings = new PhaseTimings();
        Manifest manifest = backup(pipeline, host, port, database, libpq, login, timings);
        long millis = (System.nanoTime() - start) / 1_000_000;
        long cpuMillis = (cpuNanos() - cpuBefore) / 1_000_000;
        System.err.println("phases " + database + " (warm): " + timings + " pipeline-jvm-cpu=" + cpuMillis + "ms");
        System.out.println("bytes=" + manifest.bytes() + " sha256=" + manifest.sha256() + " millis=" + millis
                + " cold_millis=" + coldMillis + " rows=" + manifest.totalRows() + " vmhwm_kb=" + peakRssKb());
        store.close();
    }

    private static Manifest backup(BackupPipeline pipeline, String host, int port, String database,
                                   LibpqAdminLogin libpq, Properties login, PhaseTimings timings) throws Exception {
        Connection admin;
        try (var phase = timings.start("connect")) {
            admin = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, login);
        }
        try (admin) {
            BackupPipeline.Source source = new BackupPipeline.Source("bench/throughput", libpq);
            if (!PHASES) {
                // an older pipeline on the classpath (bench.before.classes) has no phase timings
                return pipeline.run(UUID.randomUUID(), Instant.now(), source, admin, new AtomicLong());
            }
            return pipeline.run(UUID.randomUUID(), Instant.now(), source, admin, new AtomicLong(), timings);
        }
    }

    /** CPU time of this JVM (all threads): what the pipeline takes from pg_dump on a shared machine. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static long peakRssKb() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> l.replaceAll("\\D", "")).mapToLong(Long::parseLong).findFirst().orElse(-1);
    }
}
