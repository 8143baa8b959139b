package io.nais.pg.migration.dump;

import io.nais.pg.migration.MigrationException;
import io.nais.pg.migration.MigrationException.Failure;
import io.nais.pg.migration.MigrationProgress;
import io.nais.pg.migration.connect.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
    private static final int STDERR_LIMIT = 64 * 1024;
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
        Process dump = start(dumpCommand(scope), source);
        Process restore = start(restoreCommand(target, applicationRole, replaceExisting), target);
        CompletableFuture<String> dumpErrors = drain(dump.getErrorStream());
        CompletableFuture<String> restoreErrors = drain(restore.getErrorStream());
        CompletableFuture<String> restoreOutput = drain(restore.getInputStream());
        long bytes;
        try {
            bytes = pump(dump.getInputStream(), restore.getOutputStream(),
                    new Progress(err, scope == Scope.ALL ? "copy" : "schema", expectedBytes), listener);
        } catch (IOException e) {
            // pg_restore stopped reading: its exit status and stderr below say why
            dump.destroy();
            bytes = -1;
        }
        int dumpStatus = waitFor(dump);
        int restoreStatus = waitFor(restore);
        restoreOutput.join();
        // When pg_restore stops early, pg_dump dies of SIGPIPE (exit 141): the restore's error is the cause then.
        boolean restoreStoppedFirst = bytes < 0 || dumpStatus == SIGPIPE_EXIT;
        if (dumpStatus != 0 && !(restoreStoppedFirst && restoreStatus != 0)) {
            throw new MigrationException(Failure.COPY_FAILED, "copy", "pg_dump from " + source.masked() + " failed (exit "
                    + dumpStatus + "): " + lastLines(dumpErrors.join()));
        }
        if (restoreStatus != 0 || bytes < 0) {
            throw new MigrationException(Failure.COPY_FAILED, "copy", "pg_restore into " + target.masked()
                    + " failed (exit " + restoreStatus + "), the target is unchanged: " + lastLines(restoreErrors.join()));
        }
        return bytes;
    }

    List<String> dumpCommand(Scope scope) {
        List<String> command = new ArrayList<>(List.of(tools.pgDump(), "--format=custom", "--compress=0", "--no-owner",
                "--no-privileges", "--no-subscriptions", "--no-publications"));
        if (scope == Scope.SCHEMA_ONLY) {
            command.add("--schema-only");
        }
        return command;
    }

    List<String> restoreCommand(Endpoint target, String applicationRole, boolean replaceExisting) {
        List<String> command = new ArrayList<>(List.of(tools.pgRestore(), "--no-owner", "--no-privileges",
                "--role=" + applicationRole, "--single-transaction", "--exit-on-error", "--dbname=" + target.database()));
        if (replaceExisting) {
            command.addAll(List.of("--clean", "--if-exists"));
        }
        return command;
    }

    private static Process start(List<String> command, Endpoint endpoint) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(endpoint.toolEnvironment());
        try {
            return builder.start();
        } catch (IOException e) {
            throw new MigrationException(Failure.COPY_FAILED, "copy", "cannot run " + command.get(0)
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

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try (stream) {
                int read;
                while ((read = stream.read(buffer)) >= 0) {
                    if (kept.size() < STDERR_LIMIT) {
                        kept.write(buffer, 0, Math.min(read, STDERR_LIMIT - kept.size()));
                    }
                }
            } catch (IOException e) {
                // the process ended; what was read is what there is
            }
            return kept.toString(StandardCharsets.UTF_8);
        });
    }

    private static int waitFor(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
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
