package io.nais.pg.testsupport.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files that hold passwords or tokens: a service's config, the local platform's environment. */
public final class PrivateFiles {

    private PrivateFiles() {
    }

    /**
     * Writes {@code content} readable by its owner only from the first byte, aside and then renamed into place:
     * a reader waiting for the file (bin/local-platform-demo polls for platform.env) never sees it half written.
     */
    public static void write(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path staging = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(staging, content);
            Files.move(staging, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }
}
