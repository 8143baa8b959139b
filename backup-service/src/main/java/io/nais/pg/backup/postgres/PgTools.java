package io.nais.pg.backup.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.nais.pg.tools.PgInstallation;
import io.nais.pg.tools.ToolProcess;

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

    private static final List<String> TOOLS = List.of("pg_dump", "pg_restore");

    private final Path binDir;

    public PgTools(Path binDir) {
        if (!TOOLS.stream().allMatch(tool -> Files.isExecutable(binDir.resolve(tool)))) {
            throw new IllegalStateException("no pg_dump/pg_restore in " + binDir);
        }
        this.binDir = binDir;
    }

    /** The configured directory, or the machine's installation. */
    public static PgTools locate(Optional<Path> configured) {
        if (configured.isPresent()) {
            return new PgTools(configured.get());
        }
        List<PgInstallation.Place> machine = List.of(PgInstallation.pgConfig("pg_config"),
                PgInstallation.versioned(PgInstallation.DEBIAN_ROOT));
        return new PgTools(PgInstallation.find(TOOLS, machine, new ArrayList<>())
                .orElseThrow(() -> new IllegalStateException(
                        "pg_dump not found: set nais.backup.dump.bin-dir or install the Debian package 'postgresql'")));
    }

    public Path binDir() {
        return binDir;
    }

    /**
     * Starts {@code tool} (e.g. {@code pg_dump}) with its arguments; stdout and
     * stdin are the caller's to use, stderr is collected for {@link ToolProcess#awaitSuccess}.
     *
     * @param login the libpq login's environment: {@code PGPASSWORD}, {@code PGSSLMODE}, {@code PGOPTIONS} ...
     */
    public ToolProcess start(String tool, List<String> arguments, Map<String, String> login) {
        return ToolProcess.start(binDir.resolve(tool), arguments, environment -> {
            environment.putAll(login);
            environment.put("PGAPPNAME", "backup-service");
            environment.put("PGCONNECT_TIMEOUT", "10");
            environment.remove("PGPASSFILE");
        });
    }
}
