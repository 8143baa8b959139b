package io.nais.pg.backup.bench;

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
import io.nais.pg.backup.crypto.AgeIdentities;
import io.nais.pg.backup.dump.BackupPipeline;
import io.nais.pg.backup.dump.Manifest;
import io.nais.pg.backup.postgres.ConnInfo;
import io.nais.pg.backup.postgres.PgTools;
import io.nais.pg.backup.storage.ObjectStore;

/**
 * One backup with the service's own pipeline classes, in a JVM of its own so
 * that its peak RSS (VmHWM) is the pipeline's alone. Prints one line:
 * {@code bytes=… sha256=… millis=… vmhwm_kb=…}. A warm-up backup of the tiny
 * {@code postgres} database runs first and is not timed.
 *
 * <p>Args: host port database user s3Endpoint bucket recipient partSize uploadsInFlight;
 * the password comes in PGPASSWORD, the S3 secret in S3_SECRET.
 */
public final class BackupOnce {

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String database = args[2];
        String user = args[3];
        String password = System.getenv("PGPASSWORD");
        ObjectStore store = new ObjectStore(new ObjectStore.Settings(Optional.of(URI.create(args[4])), args[5],
                "us-east-1", System.getenv("S3_ACCESS"), System.getenv("S3_SECRET"), true, "bench/",
                Integer.parseInt(args[7]), Integer.parseInt(args[8])));
        AgeCipher cipher = new AgeCipher(List.of(args[6]), AgeIdentities.none());
        BackupPipeline pipeline = new BackupPipeline(PgTools.locate(Optional.empty()), cipher, store, "bench/",
                Clock.systemUTC());
        Properties login = new Properties();
        login.setProperty("user", user);
        login.setProperty("password", password);
        // The service is long-running: warm the JVM, the SDK and the store up on the tiny
        // 'postgres' database first, so the timed run measures the steady state.
        backup(pipeline, host, port, "postgres", user, password, login);
        long start = System.nanoTime();
        Manifest manifest = backup(pipeline, host, port, database, user, password, login);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("bytes=" + manifest.bytes() + " sha256=" + manifest.sha256() + " millis=" + millis
                + " rows=" + manifest.totalRows() + " vmhwm_kb=" + peakRssKb());
        store.close();
    }

    private static Manifest backup(BackupPipeline pipeline, String host, int port, String database, String user,
                                   String password, Properties login) throws Exception {
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, login)) {
            return pipeline.run(UUID.randomUUID(), Instant.now(), new BackupPipeline.Source("bench/throughput",
                    new ConnInfo(host, port, database, user), password), admin, new AtomicLong());
        }
    }

    static long peakRssKb() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> l.replaceAll("\\D", "")).mapToLong(Long::parseLong).findFirst().orElse(-1);
    }
}
