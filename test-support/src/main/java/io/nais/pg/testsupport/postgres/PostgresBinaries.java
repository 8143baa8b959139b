package io.nais.pg.testsupport.postgres;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the machine's PostgreSQL server binaries ({@code initdb}, {@code pg_ctl}
 * and their siblings: {@code psql}, {@code pg_dump}, {@code pgbench}), in this
 * order: {@code pg_config --bindir}, the directories of {@code PATH}, the highest
 * version under {@code /usr/lib/postgresql/<version>/bin}.
 */
public final class PostgresBinaries {

    /** Where to look; the default is the machine's, tests give their own. */
    public record Search(String pgConfigCommand, List<Path> pathDirectories, Path debianRoot) {

        public static Search machine() {
            String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
            List<Path> directories = Stream.of(path.split(File.pathSeparator)).filter(s -> !s.isBlank()).map(Path::of).toList();
            return new Search("pg_config", directories, Path.of("/usr/lib/postgresql"));
        }
    }

    private PostgresBinaries() {
    }

    public static Path locate() {
        return locate(Search.machine());
    }

    public static Path locate(Search search) {
        List<Path> tried = new ArrayList<>();
        Optional<Path> found = fromPgConfig(search.pgConfigCommand(), tried)
                .or(() -> firstWithServerTools(search.pathDirectories(), tried))
                .or(() -> highestDebianVersion(search.debianRoot(), tried));
        return found.orElseThrow(() -> new PostgresBinariesMissingException(
                "PostgreSQL server binaries (initdb, pg_ctl) not found; looked in " + tried
                        + ". Install the Debian package 'postgresql' (apt-get install postgresql) "
                        + "or put its bin directory on PATH."));
    }

    static boolean hasServerTools(Path directory) {
        return Files.isExecutable(directory.resolve("initdb")) && Files.isExecutable(directory.resolve("pg_ctl"));
    }

    private static Optional<Path> fromPgConfig(String command, List<Path> tried) {
        try {
            Process process = new ProcessBuilder(command, "--bindir").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return Optional.empty();
            }
            Path directory = Path.of(output);
            tried.add(directory);
            return hasServerTools(directory) ? Optional.of(directory) : Optional.empty();
        } catch (Exception e) {
            // no pg_config on PATH (e.g. only postgresql-client installed): try the next place
            return Optional.empty();
        }
    }

    private static Optional<Path> firstWithServerTools(List<Path> directories, List<Path> tried) {
        tried.addAll(directories);
        return directories.stream().filter(PostgresBinaries::hasServerTools).findFirst();
    }

    private static Optional<Path> highestDebianVersion(Path root, List<Path> tried) {
        tried.add(root.resolve("<version>/bin"));
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .sorted(Comparator.comparingDouble((Path v) -> Double.parseDouble(v.getFileName().toString())).reversed())
                    .map(v -> v.resolve("bin"))
                    .filter(PostgresBinaries::hasServerTools)
                    .findFirst();
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
