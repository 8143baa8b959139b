package io.nais.pg.cli.auth;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.ExitCode;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The login on disk: {@code <config dir>/tokens.properties}, readable by its
 * owner only (0600, in a 0700 directory). Written to a temporary file created
 * 0600 from the start and moved into place, so the tokens are never readable
 * by others, not even for a moment, and a crash never leaves half a file.
 */
public final class TokenCache {

    public static final String FILE_NAME = "tokens.properties";

    private final Path file;

    public TokenCache(Path configDirectory) {
        this.file = configDirectory.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    public Optional<TokenSet> load() {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "Cannot read the login cache " + file + ": " + e.getMessage(), e);
        }
        String accessToken = p.getProperty("access_token");
        String expiresAt = p.getProperty("expires_at");
        if (accessToken == null || expiresAt == null) {
            return Optional.empty();
        }
        return Optional.of(new TokenSet(p.getProperty("issuer"), p.getProperty("identity"), accessToken,
                Instant.parse(expiresAt), p.getProperty("refresh_token")));
    }

    public void save(TokenSet tokens) {
        Properties p = new Properties();
        p.setProperty("issuer", tokens.issuer());
        p.setProperty("identity", tokens.identity());
        p.setProperty("access_token", tokens.accessToken());
        p.setProperty("expires_at", tokens.expiresAt().toString());
        if (tokens.canRefresh()) {
            p.setProperty("refresh_token", tokens.refreshToken());
        }
        try {
            Path directory = ownerOnlyDirectory(file.getParent());
            Path temporary = Files.createTempFile(directory, ".tokens", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                p.store(writer, "nais login; secret, owner-only; remove with: nais auth logout");
            }
            move(temporary, file);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "Cannot write the login cache " + file + ": " + e.getMessage(), e);
        }
    }

    /** True when there was a login to forget. */
    public boolean delete() {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "Cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    private static Path ownerOnlyDirectory(Path directory) throws IOException {
        try {
            Files.createDirectories(directory.getParent());
            Files.createDirectory(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // An existing directory keeps the permissions its owner chose; the file itself is 0600.
        }
        return directory;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
