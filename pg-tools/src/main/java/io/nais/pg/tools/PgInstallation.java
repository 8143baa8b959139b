package io.nais.pg.tools;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the bin directory of a PostgreSQL installation that holds the tools a
 * caller runs ({@code pg_dump} and {@code pg_restore}, {@code psql}, {@code initdb}
 * and {@code pg_ctl} ...). All of them come from one directory, so a
 * {@code pg_restore} reads what its {@code pg_dump} wrote.
 *
 * <p>The places and their order are the caller's policy, each a {@link Place}:
 * a configured directory, {@code pg_config --bindir}, the {@code PATH}, and
 * Debian's {@code /usr/lib/postgresql/<version>/bin} (newest first), where the
 * server packages put their tools without linking them onto the {@code PATH}.
 */
public final class PgInstallation {

    /** Debian's (and Ubuntu's) root of the versioned installations. */
    public static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    /** One place to look: the directories it names, in its own order of preference. */
    @FunctionalInterface
    public interface Place {
        List<Path> directories();
    }

    private PgInstallation() {
    }

    /** A directory someone named (a setting, an environment variable); nothing when absent. */
    public static Place configured(Optional<Path> directory) {
        return () -> directory.stream().toList();
    }

    /** The installation {@code pg_config --bindir} names; nothing when there is no such command. */
    public static Place pgConfig(String command) {
        return () -> pgConfigBinDir(command).stream().toList();
    }

    /** The directories of a {@code PATH} value, in its order; nothing when it is absent. */
    public static Place path(Optional<String> pathVariable) {
        return () -> pathVariable.stream()
                .flatMap(value -> Stream.of(value.split(File.pathSeparator)))
                .filter(directory -> !directory.isBlank())
                .map(Path::of)
                .toList();
    }

    /** {@code <root>/<version>/bin}, the highest version first ({@code 16} before {@code 9.6}). */
    public static Place versioned(Path root) {
        return () -> {
            if (!Files.isDirectory(root)) {
                return List.of();
            }
            try (Stream<Path> versions = Files.list(root)) {
                return versions.filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .sorted(Comparator.comparingDouble((Path v) -> Double.parseDouble(v.getFileName().toString()))
                                .reversed())
                        .map(v -> v.resolve("bin"))
                        .toList();
            } catch (IOException e) {
                return List.of();
            }
        };
    }

    /**
     * The first directory, place by place, that holds every one of {@code tools} as an executable.
     *
     * @param tried receives every directory looked at, for the caller's "not found" message
     */
    public static Optional<Path> find(List<String> tools, List<Place> places, List<Path> tried) {
        for (Place place : places) {
            for (Path directory : place.directories()) {
                tried.add(directory);
                if (tools.stream().allMatch(tool -> Files.isExecutable(directory.resolve(tool)))) {
                    return Optional.of(directory);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> pgConfigBinDir(String command) {
        try {
            Process process = new ProcessBuilder(command, "--bindir").redirectErrorStream(true).start();
            try (InputStream out = process.getInputStream()) {
                String directory = new String(out.readAllBytes(), StandardCharsets.UTF_8).trim();
                if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 && !directory.isEmpty()) {
                    return Optional.of(Path.of(directory));
                }
            }
        } catch (IOException e) {
            // no such command (e.g. only the client package is installed): the next place is tried
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }
}
