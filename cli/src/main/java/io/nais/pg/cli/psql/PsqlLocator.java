package io.nais.pg.cli.psql;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.Environment;
import io.nais.pg.cli.ExitCode;
import io.nais.pg.tools.PgInstallation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds psql: on PATH first, then in Debian's versioned directories
 * ({@code /usr/lib/postgresql/<version>/bin}, newest first), where the server
 * packages put it without linking it onto PATH.
 */
public final class PsqlLocator {

    public static final Path DEBIAN_ROOT = PgInstallation.DEBIAN_ROOT;

    private final Environment environment;
    private final Path versionedRoot;

    public PsqlLocator(Environment environment, Path versionedRoot) {
        this.environment = environment;
        this.versionedRoot = versionedRoot;
    }

    public Path find() {
        List<PgInstallation.Place> places = List.of(PgInstallation.path(environment.get("PATH")),
                PgInstallation.versioned(versionedRoot));
        return PgInstallation.find(List.of("psql"), places, new ArrayList<>())
                .map(directory -> directory.resolve("psql"))
                .orElseThrow(() -> new CliException(ExitCode.PSQL_MISSING,
                "psql is not installed. Install the postgresql-client package (Debian/Ubuntu: apt install postgresql-client;"
                        + " macOS: brew install libpq), or use `nais postgres proxy` with the client you have."));
    }
}
