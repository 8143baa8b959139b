package io.nais.pg.access.gateway.audit;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * A bounded, ordered, on-disk queue of encoded events for when Kafka cannot take
 * them: a directory of append-only segment files ({@code <sequence>.spool}), read
 * and deleted oldest first. It survives a gateway restart: segments found at start
 * are sent before anything newer.
 *
 * <p>Record format: {@code int keyLength, int valueLength, key, value}. A record cut
 * short by a crash is the end of its segment. Writes are flushed to the operating
 * system after every append (a killed process loses nothing), not fsynced (a power
 * loss may lose the last appends): the trade the brief asks for is "never block the
 * relay", not "never lose on power failure".
 *
 * <p>One gateway process per directory, enforced with a lock file: two processes
 * sharing a spool would send each other's segments twice and delete them under
 * each other.
 *
 * <p>Used by the audit thread alone; {@link #bytes()} and {@link #isEmpty()} may be
 * read from other threads.
 */
final class AuditSpool implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AuditSpool.class);
    private static final String SUFFIX = ".spool";
    private static final String LOCK_FILE = ".lock";
    private static final int RECORD_OVERHEAD = 8;

    private final Path directory;
    private final long maxBytes;
    private final long segmentBytes;
    private final Deque<Path> sealed = new ArrayDeque<>();
    private Path active;
    private DataOutputStream out;
    private long activeBytes;
    private long nextSequence;
    private volatile long totalBytes;
    private final FileChannel lockChannel;

    AuditSpool(Path directory, long maxBytes, long segmentBytes) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.lockChannel = lockExclusively(directory);
        recover();
    }

    /** The lock lives as long as the channel: closing the channel releases it, also when the process dies. */
    private static FileChannel lockExclusively(Path directory) {
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new OverlappingFileLockException();
            }
            return channel;
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new IllegalStateException("audit spool directory " + directory + " is in use by another gateway; "
                    + "give each gateway its own nais.access.gateway.audit.spool.directory");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock audit spool directory " + directory, e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // failing already; the lock error is the one to report
            }
        }
    }

    /** Segments left by an earlier run are sealed and sent first, in sequence order. */
    private void recover() {
        try {
            Files.createDirectories(directory);
            try (Stream<Path> files = Files.list(directory)) {
                files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().forEach(f -> {
                    sealed.add(f);
                    totalBytes += size(f);
                    nextSequence = Math.max(nextSequence, sequence(f) + 1);
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use audit spool directory " + directory, e);
        }
        if (!sealed.isEmpty()) {
            LOG.warnf("audit spool %s holds %d segment(s), %d bytes, from an earlier run: sending them first",
                    directory, sealed.size(), totalBytes);
        }
    }

    /**
     * Appends records in order while they fit under the size limit.
     *
     * @return how many were stored (a prefix of {@code records}); fewer than all means the spool is full
     */
    int append(List<SpoolRecord> records) {
        int stored = 0;
        try {
            for (SpoolRecord record : records) {
                byte[] key = record.key().getBytes(StandardCharsets.UTF_8);
                long size = RECORD_OVERHEAD + key.length + record.value().length;
                if (totalBytes + size > maxBytes) {
                    break;
                }
                writer();
                out.writeInt(key.length);
                out.writeInt(record.value().length);
                out.write(key);
                out.write(record.value());
                activeBytes += size;
                totalBytes += size;
                stored++;
                if (activeBytes >= segmentBytes) {
                    seal();
                }
            }
            if (out != null) {
                out.flush();
            }
        } catch (IOException e) {
            LOG.errorf("audit spool %s: write failed (%s); %d event(s) not stored", directory, e, records.size() - stored);
        }
        return stored;
    }

    boolean isEmpty() {
        return totalBytes == 0;
    }

    long bytes() {
        return totalBytes;
    }

    /** The oldest segment, sealing the one being written if it is the only one. Null when empty. */
    Path oldest() {
        if (sealed.isEmpty() && active != null) {
            seal();
        }
        return sealed.peekFirst();
    }

    /** The records of a segment, in order; a torn last record (crash mid-write) is left out. */
    List<SpoolRecord> read(Path segment) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment));
            List<SpoolRecord> records = new ArrayList<>();
            while (bytes.remaining() >= RECORD_OVERHEAD) {
                int keyLength = bytes.getInt();
                int valueLength = bytes.getInt();
                if (keyLength < 0 || valueLength < 0 || (long) keyLength + valueLength > bytes.remaining()) {
                    LOG.warnf("audit spool segment %s ends in a torn record; the rest is skipped", segment);
                    break;
                }
                byte[] key = new byte[keyLength];
                byte[] value = new byte[valueLength];
                bytes.get(key).get(value);
                records.add(new SpoolRecord(new String(key, StandardCharsets.UTF_8), value));
            }
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read audit spool segment " + segment, e);
        }
    }

    /** Forgets a segment whose every record the broker acknowledged. */
    void delete(Path segment) {
        long size = size(segment);
        try {
            Files.deleteIfExists(segment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete audit spool segment " + segment, e);
        }
        sealed.remove(segment);
        totalBytes = Math.max(0, totalBytes - size);
    }

    private void writer() throws IOException {
        if (out == null) {
            active = directory.resolve(String.format("%020d%s", nextSequence++, SUFFIX));
            OutputStream file = Files.newOutputStream(active, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            out = new DataOutputStream(new BufferedOutputStream(file, 64 * 1024));
            activeBytes = 0;
        }
    }

    private void seal() {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            LOG.errorf("audit spool %s: closing segment %s failed: %s", directory, active, e);
        }
        sealed.addLast(active);
        out = null;
        active = null;
    }

    @Override
    public void close() {
        seal();
        closeQuietly(lockChannel);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static long sequence(Path file) {
        String name = file.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
