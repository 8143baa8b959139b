package io.nais.pg.migration.dump;

import io.nais.pg.migration.MigrationException;
import io.nais.pg.migration.MigrationException.Failure;
import io.nais.pg.migration.MigrationProgress;
import io.nais.pg.migration.connect.Endpoint;
import io.nais.pg.tools.ToolProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code pg_dump -Fc} from the source streamed straight into {@code pg_restore}
 * on the target: no file of the dump is ever written. The bytes pass through
 * this JVM (one 1 MiB buffer) so that they can be counted for progress.
 *
 * <p>Decisions:
 * <ul>
 * <li>{@code -Z0}: the stream only crosses a local pipe, so compressing it
 *     would spend CPU for nothing.</li>
 * <li>{@code --no-owner --no-privileges --role=<application role>}: every
 *     object is created by, hence owned by, the target's application role, so
 *     the platform's default privileges for the human group apply; the source's
 *     roles and grants do not exist on the target.</li>
 * <li>pg_restore connects as a {@link RestoreLogin}, never as the target's
 *     admin: the dump's code runs during the restore, and must not be able to
 *     {@code RESET ROLE} back to a superuser.</li>
 * <li>{@code --single-transaction --exit-on-error}: a failed restore leaves the
 *     target as it was, so the command is safe to run again.</li>
 * </ul>
 */
public final class DumpPipe {

    private static final int BUFFER = 1 << 20;
    /** pg_restore follows its error line with the failed statement, which may be long: keep enough to find the error. */
    private static final int STDERR_TAIL = 64 * 1024;
    private static final int SIGPIPE_EXIT = 128 + 13;

    private final PgTools tools;

    public DumpPipe(PgTools tools) {
        this.tools = tools;
    }

    /** What to copy: everything, or only the schema (replicate mode copies rows itself). */
    public enum Scope { ALL, SCHEMA_ONLY }

    /**
     * Streams source into target; returns the bytes of the dump stream. {@code target} is the admin login:
     * it makes the throwaway login pg_restore runs as, and drops it afterwards. {@code progress} hears the
     * bytes as they pass, {@code err} gets a line a second.
     */
    public long copy(Endpoint source, Endpoint target, String applicationRole, Scope scope, boolean replaceExisting,
            long expectedBytes, PrintWriter err, MigrationProgress progress) {
        try (RestoreLogin login = RestoreLogin.create(target, applicationRole)) {
            return copyAs(source, login.endpoint(), applicationRole, scope, replaceExisting, expectedBytes, err, progress);
        }
    }

    private long copyAs(Endpoint source, Endpoint target, String applicationRole, Scope scope, boolean replaceExisting,
            long expectedBytes, PrintWriter err, MigrationProgress listener) {
        try (ToolProcess dump = start(tools.pgDump(), dumpArguments(scope), source);
             ToolProcess restore = start(tools.pgRestore(), restoreArguments(target, applicationRole, replaceExisting),
                     target)) {
            CompletableFuture<Void> restoreOutput = discard(restore.stdout());
            long bytes;
            try {
                bytes = pump(dump.stdout(), restore.stdin(),
                        new Progress(err, scope == Scope.ALL ? "copy" : "schema", expectedBytes), listener);
            } catch (IOException e) {
                // pg_restore stopped reading: its exit status and stderr below say why
                dump.close();
                bytes = -1;
            }
            int dumpStatus = exitStatus(dump);
            int restoreStatus = exitStatus(restore);
            restoreOutput.join();
            // When pg_restore stops early, pg_dump dies of SIGPIPE (exit 141): the restore's error is the cause then.
            boolean restoreStoppedFirst = bytes < 0 || dumpStatus == SIGPIPE_EXIT;
            if (dumpStatus != 0 && !(restoreStoppedFirst && restoreStatus != 0)) {
                throw new MigrationException(Failure.COPY_FAILED, "copy", "pg_dump from " + source.masked()
                        + " failed (exit " + dumpStatus + "): " + lastLines(dump.stderrTail()));
            }
            if (restoreStatus != 0 || bytes < 0) {
                throw new MigrationException(Failure.COPY_FAILED, "copy", "pg_restore into " + target.masked()
                        + " failed (exit " + restoreStatus + "), the target is unchanged: "
                        + lastLines(restore.stderrTail()));
            }
            return bytes;
        }
    }

    List<String> dumpArguments(Scope scope) {
        List<String> arguments = new ArrayList<>(List.of("--format=custom", "--compress=0", "--no-owner",
                "--no-privileges", "--no-subscriptions", "--no-publications"));
        if (scope == Scope.SCHEMA_ONLY) {
            arguments.add("--schema-only");
        }
        return arguments;
    }

    List<String> restoreArguments(Endpoint target, String applicationRole, boolean replaceExisting) {
        List<String> arguments = new ArrayList<>(List.of("--no-owner", "--no-privileges", "--role=" + applicationRole,
                "--single-transaction", "--exit-on-error", "--dbname=" + target.database()));
        if (replaceExisting) {
            arguments.addAll(List.of("--clean", "--if-exists"));
        }
        return arguments;
    }

    /** Starts a tool with the endpoint's login in its environment (never on its command line). */
    private static ToolProcess start(Path executable, List<String> arguments, Endpoint endpoint) {
        try {
            return ToolProcess.start(executable, arguments, environment -> environment.putAll(endpoint.toolEnvironment()),
                    STDERR_TAIL);
        } catch (UncheckedIOException e) {
            throw new MigrationException(Failure.COPY_FAILED, "copy", "cannot run " + executable
                    + " (install the postgresql-client package or set NAIS_PG_BIN)", e);
        }
    }

    private static long pump(InputStream from, OutputStream to, Progress progress, MigrationProgress listener)
            throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        try (from; to) {
            int read;
            while ((read = from.read(buffer)) >= 0) {
                to.write(buffer, 0, read);
                total += read;
                listener.copied(total);
                progress.update(total);
            }
        }
        progress.done(total);
        return total;
    }

    /** pg_restore prints nothing to stdout with {@code --dbname}; read it all the same, so it can never block. */
    private static CompletableFuture<Void> discard(InputStream stream) {
        return CompletableFuture.runAsync(() -> {
            try (stream) {
                stream.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the process ended
            }
        });
    }

    private static int exitStatus(ToolProcess tool) {
        try {
            return tool.exitStatus();
        } catch (InterruptedException e) {
            tool.close();
            Thread.currentThread().interrupt();
            throw new MigrationException(Failure.COPY_FAILED, "copy", "interrupted");
        }
    }

    /** The tools' error lines (pg_restore follows each with the statement, which says less), else the last lines. */
    private static String lastLines(String text) {
        List<String> errors = text.lines().filter(line -> line.contains("error:") || line.contains("ERROR:")).toList();
        List<String> lines = errors.isEmpty() ? text.strip().lines().toList() : errors;
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }
}
