package io.nais.pg.backup.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * pg_dump and pg_restore of one PostgreSQL installation. They must come from
 * the same installation as each other (a -Fc archive is read by a pg_restore
 * at least as new), so both are resolved from one bin directory:
 * configured, else {@code pg_config --bindir}, else the highest
 * {@code /usr/lib/postgresql/<version>/bin}.
 *
 * <p>The login's environment ({@code PGPASSWORD}, and the TLS and
 * search-path settings, from service-kit's {@code LibpqAdminLogin}) goes to
 * the child only; the password is never on a command line, where {@code ps}
 * shows it.
 */
public final class PgTools {

    private final Path binDir;

    public PgTools(Path binDir) {
        if (!Files.isExecutable(binDir.resolve("pg_dump")) || !Files.isExecutable(binDir.resolve("pg_restore"))) {
            throw new IllegalStateException("no pg_dump/pg_restore in " + binDir);
        }
        this.binDir = binDir;
    }

    /** The configured directory, or the machine's installation. */
    public static PgTools locate(Optional<Path> configured) {
        return new PgTools(configured.or(PgTools::fromPgConfig).or(PgTools::highestDebianVersion)
                .orElseThrow(() -> new IllegalStateException(
                        "pg_dump not found: set nais.backup.dump.bin-dir or install the Debian package 'postgresql'")));
    }

    public Path binDir() {
        return binDir;
    }

    /**
     * Starts {@code tool} (e.g. {@code pg_dump}) with its arguments; stdout and
     * stdin are the caller's to use, stderr is collected for {@link ToolProcess#failure}.
     *
     * @param login the libpq login's environment: {@code PGPASSWORD}, {@code PGSSLMODE}, {@code PGOPTIONS} ...
     */
    public ToolProcess start(String tool, List<String> arguments, Map<String, String> login) {
        List<String> command = new ArrayList<>();
        command.add(binDir.resolve(tool).toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.putAll(login);
        environment.put("PGAPPNAME", "backup-service");
        environment.put("PGCONNECT_TIMEOUT", "10");
        environment.remove("PGPASSFILE");
        try {
            return new ToolProcess(tool, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + tool, e);
        }
    }

    private static Optional<Path> fromPgConfig() {
        try {
            Process process = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            try (InputStream out = process.getInputStream()) {
                String dir = new String(out.readAllBytes(), StandardCharsets.UTF_8).trim();
                if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0
                        && Files.isExecutable(Path.of(dir, "pg_dump")) && Files.isExecutable(Path.of(dir, "pg_restore"))) {
                    return Optional.of(Path.of(dir));
                }
            }
        } catch (IOException e) {
            // no pg_config on PATH: try the Debian layout
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    private static Optional<Path> highestDebianVersion() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .sorted(Comparator.comparingInt((Path v) -> Integer.parseInt(v.getFileName().toString())).reversed())
                    .map(v -> v.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("pg_dump")))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
