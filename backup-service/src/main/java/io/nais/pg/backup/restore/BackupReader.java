package io.nais.pg.backup.restore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import io.nais.pg.backup.crypto.AgeCipher;
import io.nais.pg.backup.crypto.AgeIdentities;
import io.nais.pg.backup.dump.Manifest;
import io.nais.pg.backup.dump.ObjectKeys;
import io.nais.pg.backup.dump.Sha256;
import io.nais.pg.backup.postgres.PgTools;
import io.nais.pg.tools.ToolProcess;
import io.nais.pg.backup.storage.ObjectStore;
import io.nais.pg.kit.clusters.LibpqAdminLogin;

/**
 * Reads a stored backup back: its manifest, its SHA-256, and a restore of it
 * into an existing, empty database with pg_restore. Used by the scheduled
 * verification (into a scratch database) and by the operator's restore.
 *
 * <p>The checksum pass reads the whole object before anything is decrypted,
 * so a damaged object is reported as a checksum mismatch, not as whatever
 * error decryption or pg_restore would hit first.
 */
public final class BackupReader {

    private static final int COPY_BUFFER = 1 << 20;

    private final ObjectStore store;
    private final PgTools tools;

    public BackupReader(ObjectStore store, PgTools tools) {
        this.store = store;
        this.tools = tools;
    }

    /** The manifest of the dump at {@code dumpKey}; a dump without one is not a backup. */
    public Manifest manifest(String dumpKey) {
        return store.readSmall(ObjectKeys.manifestKey(dumpKey)).map(Manifest::fromJson)
                .orElseThrow(() -> new IllegalStateException("no manifest for " + dumpKey + ": an interrupted backup"));
    }

    /** Reads the object once and throws {@link ChecksumMismatchException} unless it matches the manifest. */
    public void checkSha256(Manifest manifest) throws IOException {
        MessageDigest sha256 = Sha256.newDigest();
        long bytes = 0;
        byte[] buffer = new byte[COPY_BUFFER];
        try (InputStream in = store.get(manifest.objectKey())) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                sha256.update(buffer, 0, n);
                bytes += n;
            }
        }
        String actual = HexFormat.of().formatHex(sha256.digest());
        if (!actual.equals(manifest.sha256()) || bytes != manifest.bytes()) {
            throw new ChecksumMismatchException("sha256 mismatch for " + manifest.objectKey() + ": manifest says "
                    + manifest.sha256() + " (" + manifest.bytes() + " bytes), object is " + actual + " (" + bytes + " bytes)");
        }
    }

    /**
     * Streams the object through age into pg_restore, restoring into the
     * (existing, empty) database of {@code target}, connected as its login.
     *
     * @param options pg_restore's ownership options, e.g. {@code --no-owner}
     */
    public void restore(Manifest manifest, AgeIdentities identities, LibpqAdminLogin target, List<String> options)
            throws IOException, InterruptedException {
        try (InputStream object = store.get(manifest.objectKey());
             ReadableByteChannel plain = AgeCipher.decrypt(Channels.newChannel(object), identities);
             ToolProcess pgRestore = tools.start("pg_restore", restoreArguments(target, options), target.environment())) {
            try (OutputStream stdin = pgRestore.stdin()) {
                copy(plain, stdin);
            } catch (IOException e) {
                if (e instanceof AgeCipher.WrongKeyException) {
                    throw e;
                }
                // A closed pipe means pg_restore stopped early; its own exit status says why.
                pgRestore.awaitSuccess();
                throw e;
            }
            pgRestore.awaitSuccess();
        }
    }

    /**
     * As {@link #restore}, restoring only the entries of {@code useList} (lines
     * of a {@link #tableOfContents} listing, in its order), written to a file
     * only this process may read and deleted afterwards.
     */
    public void restore(Manifest manifest, AgeIdentities identities, LibpqAdminLogin target, List<String> options,
                        List<String> useList) throws IOException, InterruptedException {
        Path list = Files.createTempFile("restore-", ".list",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(list, useList, StandardCharsets.UTF_8);
            List<String> withList = new ArrayList<>(options);
            withList.add("--use-list=" + list);
            restore(manifest, identities, target, withList);
        } finally {
            Files.deleteIfExists(list);
        }
    }

    /**
     * pg_restore's listing of the archive's table of contents ({@code --list}
     * plus {@code options}, e.g. {@code --verbose} for the dependencies or a
     * {@code --schema/--table} filter). The contents sit at the archive's head:
     * pg_restore exits once it has read them, so only the head is fetched and
     * decrypted, and the pipe it closes ends the copy.
     */
    public List<String> tableOfContents(Manifest manifest, AgeIdentities identities, List<String> options)
            throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("--list"));
        arguments.addAll(options);
        try (InputStream object = store.get(manifest.objectKey());
             ReadableByteChannel plain = AgeCipher.decrypt(Channels.newChannel(object), identities);
             ToolProcess pgRestore = tools.start("pg_restore", arguments, Map.of())) {
            FutureTask<List<String>> listing = new FutureTask<>(() -> readLines(pgRestore.stdout()));
            Thread reading = new Thread(listing, "pg_restore-list");
            reading.setDaemon(true);
            reading.start();
            try (OutputStream stdin = pgRestore.stdin()) {
                copy(plain, stdin);
            } catch (IOException e) {
                if (e instanceof AgeCipher.WrongKeyException) {
                    throw e;
                }
                // the closed pipe of a pg_restore that has read the contents; its exit status says if it failed
            }
            ObjectStore.abandon(object);
            pgRestore.awaitSuccess();
            return listing.get();
        } catch (ExecutionException e) {
            throw new IOException("could not read pg_restore's listing", e.getCause());
        }
    }

    private static List<String> readLines(InputStream out) throws IOException {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
            return lines.lines().toList();
        }
    }

    private static List<String> restoreArguments(LibpqAdminLogin target, List<String> options) {
        List<String> arguments = new ArrayList<>(List.of("--exit-on-error", "--no-password",
                "--dbname=" + target.conninfo()));
        arguments.addAll(options);
        return arguments;
    }

    private static void copy(ReadableByteChannel from, OutputStream to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(COPY_BUFFER);
        while (from.read(buffer) >= 0) {
            buffer.flip();
            to.write(buffer.array(), 0, buffer.limit());
            buffer.clear();
        }
    }

    /** The stored object is not the one the manifest describes. */
    public static final class ChecksumMismatchException extends IOException {
        public ChecksumMismatchException(String message) {
            super(message);
        }
    }
}
