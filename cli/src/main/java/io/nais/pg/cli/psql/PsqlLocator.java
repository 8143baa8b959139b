package io.nais.pg.cli.psql;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.Environment;
import io.nais.pg.cli.ExitCode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds psql: on PATH first, then in Debian's versioned directories
 * ({@code /usr/lib/postgresql/<version>/bin}, newest first), where the server
 * packages put it without linking it onto PATH.
 */
public final class PsqlLocator {

    public static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    private final Environment environment;
    private final Path versionedRoot;

    public PsqlLocator(Environment environment, Path versionedRoot) {
        this.environment = environment;
        this.versionedRoot = versionedRoot;
    }

    public Path find() {
        return onPath().or(this::inVersionedDirectories).orElseThrow(() -> new CliException(ExitCode.PSQL_MISSING,
                "psql is not installed. Install the postgresql-client package (Debian/Ubuntu: apt install postgresql-client;"
                        + " macOS: brew install libpq), or use `nais postgres proxy` with the client you have."));
    }

    private Optional<Path> onPath() {
        return environment.get("PATH").stream()
                .flatMap(path -> Stream.of(path.split(File.pathSeparator)))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "psql"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private Optional<Path> inVersionedDirectories() {
        if (!Files.isDirectory(versionedRoot)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(versionedRoot)) {
            return versions.sorted(Comparator.comparing(PsqlLocator::version).reversed())
                    .map(dir -> dir.resolve("bin").resolve("psql"))
                    .filter(Files::isExecutable)
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int version(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString().replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
