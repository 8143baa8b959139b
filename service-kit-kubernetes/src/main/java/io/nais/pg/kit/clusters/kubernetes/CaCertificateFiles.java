package io.nais.pg.kit.clusters.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clusters' CA certificates as files, because pgjdbc and libpq take
 * {@code sslrootcert} as a path. One file per CA secret, in a directory only
 * this process's user can enter, each file readable by that user only. A
 * rotated CA is written to a fresh file and moved over the old one atomically,
 * so a connection opening meanwhile reads the old CA or the new, never half.
 */
final class CaCertificateFiles {

    private final Map<WatchedSecrets.Name, String> written = new ConcurrentHashMap<>();
    private volatile Path directory;

    /** The file holding {@code pem} for the CA secret {@code name}, written when it differs from the last. */
    synchronized Path write(WatchedSecrets.Name name, String pem) {
        Path file = directory().resolve(name.namespace() + "_" + name.secret() + ".pem");
        if (!pem.equals(written.get(name))) {
            try {
                Path fresh = Files.createTempFile(directory(), "ca-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(fresh, pem, StandardCharsets.US_ASCII);
                Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the CA of " + name + " to " + file, e);
            }
            written.put(name, pem);
        }
        return file;
    }

    private Path directory() {
        if (directory == null) {
            try {
                directory = Files.createTempDirectory("nais-pg-cluster-ca-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                        .toAbsolutePath();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a private directory for cluster CAs", e);
            }
        }
        return directory;
    }
}
