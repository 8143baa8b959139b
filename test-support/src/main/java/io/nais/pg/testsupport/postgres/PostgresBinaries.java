package io.nais.pg.testsupport.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.nais.pg.tools.PgInstallation;

/**
 * Finds the machine's PostgreSQL server binaries ({@code initdb}, {@code pg_ctl}
 * and their siblings: {@code psql}, {@code pg_dump}, {@code pgbench}), in this
 * order: {@code pg_config --bindir}, the directories of {@code PATH}, the highest
 * version under {@code /usr/lib/postgresql/<version>/bin} (pg-tools' {@link PgInstallation}).
 */
public final class PostgresBinaries {

    private static final List<String> SERVER_TOOLS = List.of("initdb", "pg_ctl");

    /** Where to look; the default is the machine's, tests give their own. */
    public record Search(String pgConfigCommand, List<Path> pathDirectories, Path debianRoot) {

        public static Search machine() {
            List<Path> directories = PgInstallation.path(Optional.ofNullable(System.getenv("PATH"))).directories();
            return new Search("pg_config", directories, PgInstallation.DEBIAN_ROOT);
        }
    }

    private PostgresBinaries() {
    }

    public static Path locate() {
        return locate(Search.machine());
    }

    public static Path locate(Search search) {
        List<Path> tried = new ArrayList<>();
        List<PgInstallation.Place> places = List.of(PgInstallation.pgConfig(search.pgConfigCommand()),
                search::pathDirectories, PgInstallation.versioned(search.debianRoot()));
        return PgInstallation.find(SERVER_TOOLS, places, tried).orElseThrow(() -> new PostgresBinariesMissingException(
                "PostgreSQL server binaries (initdb, pg_ctl) not found; looked in " + tried
                        + " and " + search.debianRoot().resolve("<version>/bin")
                        + ". Install the Debian package 'postgresql' (apt-get install postgresql) "
                        + "or put its bin directory on PATH."));
    }

    static boolean hasServerTools(Path directory) {
        return SERVER_TOOLS.stream().allMatch(tool -> Files.isExecutable(directory.resolve(tool)));
    }
}
