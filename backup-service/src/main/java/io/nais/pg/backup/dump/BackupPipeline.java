package io.nais.pg.backup.dump;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

import io.nais.pg.backup.crypto.AgeCipher;
import io.nais.pg.backup.postgres.PgTools;
import io.nais.pg.backup.postgres.DatabaseFingerprint;
import io.nais.pg.tools.ToolProcess;
import io.nais.pg.backup.storage.MultipartUpload;
import io.nais.pg.backup.storage.ObjectStore;
import io.nais.pg.kit.clusters.LibpqAdminLogin;
import io.nais.pg.kit.logging.PhaseTimings;

/**
 * One backup as a stream: {@code pg_dump -Fc} → age → SHA-256 → S3 multipart
 * upload, then the manifest. Memory is the upload's part buffers plus one copy
 * buffer; nothing touches the local disk.
 *
 * <p>Consistency: the admin connection exports a snapshot in a REPEATABLE READ
 * transaction; pg_dump imports it ({@code --snapshot}) and the row counts and
 * content checksums ({@link DatabaseFingerprint}) are taken in it too, so the
 * manifest's figures are exactly what the dump holds. The reading runs while
 * the dump streams; sequences (not transactional) are read before pg_dump
 * starts, so the dump's values are never behind the manifest's.
 *
 * <p>Plain Java (no CDI), so the throughput benchmark runs the very same code.
 */
public final class BackupPipeline {

    private static final int COPY_BUFFER = 1 << 20;

    /** What to back up: the cluster, and pg_dump's admin login (verified TLS, fixed search_path). */
    public record Source(String clusterId, LibpqAdminLogin login) {
        @Override
        public String toString() {
            return "Source[" + clusterId + ", password hidden]";
        }
    }

    private final PgTools tools;
    private final AgeCipher cipher;
    private final ObjectStore store;
    private final String prefix;
    private final Clock clock;

    public BackupPipeline(PgTools tools, AgeCipher cipher, ObjectStore store, String prefix, Clock clock) {
        this.tools = tools;
        this.cipher = cipher;
        this.store = store;
        this.prefix = prefix;
        this.clock = clock;
    }

    /**
     * Runs the backup and returns its manifest, which is stored last. Throws on
     * any failure, after aborting the upload: nothing complete-looking remains.
     *
     * @param progress receives the number of encrypted bytes handed to the upload so far
     */
    public Manifest run(UUID backupId, Instant startedAt, Source source, Connection admin, AtomicLong progress)
            throws IOException, SQLException, InterruptedException {
        return run(backupId, startedAt, source, admin, progress, new PhaseTimings());
    }

    /** As {@link #run(UUID, Instant, Source, Connection, AtomicLong)}, recording each phase's wall time in {@code timings}. */
    public Manifest run(UUID backupId, Instant startedAt, Source source, Connection admin, AtomicLong progress,
                        PhaseTimings timings) throws IOException, SQLException, InterruptedException {
        String dumpKey = ObjectKeys.dumpKey(prefix, source.clusterId(), startedAt, backupId);
        String snapshot;
        String pgVersion;
        try (var phase = timings.start("snapshot")) {
            snapshot = beginSnapshot(admin);
            pgVersion = serverVersion(admin);
        }
        Map<String, DatabaseFingerprint.SequenceValue> sequences;
        try (var phase = timings.start("sequences")) {
            sequences = DatabaseFingerprint.sequences(admin);
        }
        try (MultipartUpload upload = timings.time("upload-start", () -> store.startUpload(dumpKey));
             ToolProcess pgDump = timings.time("pg_dump-spawn",
                     () -> tools.start("pg_dump", dumpArguments(source, snapshot), source.login().environment()))) {
            CompletableFuture<HashingOutputStream> streaming = CompletableFuture.supplyAsync(
                    () -> stream(pgDump.stdout(), upload, progress, timings), BackupPipeline::runOnOwnThread);
            DatabaseFingerprint fingerprint;
            try (var phase = timings.start("row-count")) {
                fingerprint = DatabaseFingerprint.readBesideADump(admin).withSequences(sequences);
            }
            HashingOutputStream stored = awaitStreaming(streaming);
            try (var phase = timings.start("pg_dump-exit")) {
                pgDump.awaitSuccess();
            }
            try (var phase = timings.start("last-part")) {
                upload.awaitParts();
            }
            try (var phase = timings.start("upload-complete")) {
                upload.complete();
            }
            Manifest manifest = new Manifest(Manifest.VERSION, backupId, source.clusterId(), dumpKey, stored.bytes(),
                    stored.sha256Hex(), pgVersion, Manifest.FORMAT, cipher.recipients(), startedAt, clock.instant(),
                    fingerprint.rows(), fingerprint.checksums(), fingerprint.indexes(), fingerprint.sequences());
            try (var phase = timings.start("manifest")) {
                store.put(ObjectKeys.manifestKey(dumpKey), manifest.toJson(), "application/json");
            }
            return manifest;
        } finally {
            endSnapshot(admin);
        }
    }

    private static String beginSnapshot(Connection admin) throws SQLException {
        admin.setAutoCommit(false);
        admin.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        admin.setReadOnly(true);
        return single(admin, "SELECT pg_catalog.pg_export_snapshot()");
    }

    private static String serverVersion(Connection admin) throws SQLException {
        return single(admin, "SELECT pg_catalog.current_setting('server_version')");
    }

    private static void endSnapshot(Connection admin) {
        try {
            admin.rollback();
        } catch (SQLException e) {
            // the connection is gone with its snapshot; nothing to release
        }
    }

    private static List<String> dumpArguments(Source source, String snapshot) {
        return List.of("--format=custom", "--snapshot=" + snapshot, "--no-password",
                "--dbname=" + source.login().conninfo());
    }

    /**
     * pg_dump's stdout through age into the upload; runs on its own thread
     * while the rows are counted. At the end of the data the last part leaves
     * at once, so its upload overlaps pg_dump's exit and the rest of the count
     * (pg_dump's exit status still decides whether the upload completes).
     */
    private HashingOutputStream stream(InputStream dump, MultipartUpload upload, AtomicLong progress,
                                       PhaseTimings timings) {
        try (var phase = timings.start("stream")) {
            return stream(dump, upload, progress);
        }
    }

    private HashingOutputStream stream(InputStream dump, MultipartUpload upload, AtomicLong progress) {
        HashingOutputStream hashing = new HashingOutputStream(new ProgressOutputStream(upload, progress));
        byte[] buffer = new byte[COPY_BUFFER];
        try {
            try (WritableByteChannel encrypted = cipher.encrypt(Channels.newChannel(hashing))) {
                int n;
                while ((n = dump.read(buffer)) >= 0) {
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        encrypted.write(chunk);
                    }
                }
            } // closing writes age's last chunk
            upload.endOfData();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hashing;
    }

    private static HashingOutputStream awaitStreaming(CompletableFuture<HashingOutputStream> streaming) throws IOException {
        try {
            return streaming.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
    }

    private static void runOnOwnThread(Runnable task) {
        Thread thread = new Thread(task, "backup-stream");
        thread.setDaemon(true);
        thread.start();
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }
}
