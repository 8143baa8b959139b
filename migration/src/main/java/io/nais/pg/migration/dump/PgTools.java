package io.nais.pg.migration.dump;

import io.nais.pg.migration.MigrationException;
import io.nais.pg.migration.MigrationException.Failure;
import io.nais.pg.tools.PgInstallation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Finds pg_dump and pg_restore: {@code NAIS_PG_BIN} if set, else the newest
 * {@code /usr/lib/postgresql/<major>/bin} (Debian's layout; a newer pg_dump
 * reads any older server), else the {@code PATH}.
 */
public final class PgTools {

    private final Path binDir;

    private PgTools(Path binDir) {
        this.binDir = binDir;
    }

    public static PgTools locate(Function<String, String> environment) {
        String configured = environment.apply("NAIS_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return new PgTools(Path.of(configured));
        }
        return new PgTools(PgInstallation.find(List.of("pg_dump"),
                List.of(PgInstallation.versioned(PgInstallation.DEBIAN_ROOT)), new ArrayList<>()).orElse(null));
    }

    public Path pgDump() {
        return tool("pg_dump");
    }

    public Path pgRestore() {
        return tool("pg_restore");
    }

    private Path tool(String name) {
        if (binDir == null) {
            return Path.of(name); // from the PATH; starting it reports clearly if it is missing
        }
        Path tool = binDir.resolve(name);
        if (!Files.isExecutable(tool)) {
            throw new MigrationException(Failure.INVALID_INPUT, "plan", name + " not found in " + binDir
                    + " (install the postgresql-client package or set NAIS_PG_BIN)");
        }
        return tool;
    }
}
