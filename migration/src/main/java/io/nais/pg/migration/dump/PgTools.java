package io.nais.pg.migration.dump;

import io.nais.pg.migration.MigrationException;
import io.nais.pg.migration.MigrationException.Failure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Finds pg_dump and pg_restore: {@code NAIS_PG_BIN} if set, else the newest
 * {@code /usr/lib/postgresql/<major>/bin} (Debian's layout; a newer pg_dump
 * reads any older server), else the {@code PATH}.
 */
public final class PgTools {

    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    private final Path binDir;

    private PgTools(Path binDir) {
        this.binDir = binDir;
    }

    public static PgTools locate(Function<String, String> environment) {
        String configured = environment.apply("NAIS_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return new PgTools(Path.of(configured));
        }
        return new PgTools(newestDebianBinDir().orElse(null));
    }

    public String pgDump() {
        return tool("pg_dump");
    }

    public String pgRestore() {
        return tool("pg_restore");
    }

    private String tool(String name) {
        if (binDir == null) {
            return name; // from the PATH; ProcessBuilder reports it clearly if missing
        }
        Path tool = binDir.resolve(name);
        if (!Files.isExecutable(tool)) {
            throw new MigrationException(Failure.INVALID_INPUT, "plan", name + " not found in " + binDir
                    + " (install the postgresql-client package or set NAIS_PG_BIN)");
        }
        return tool.toString();
    }

    private static Optional<Path> newestDebianBinDir() {
        if (!Files.isDirectory(DEBIAN_ROOT)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .filter(v -> Files.isExecutable(v.resolve("bin/pg_dump")))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
