package io.nais.pg.testsupport.postgres;

import io.nais.pg.testsupport.process.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs PostgreSQL's command-line tools as the right OS user ({@link OsUser}). */
final class ServerTools {

    private ServerTools() {
    }

    /**
     * Runs {@code command}; its output goes to {@code output} (a file, not a pipe:
     * pg_ctl's server inherits it and would keep a pipe open). On failure the
     * message ends with the tails of {@code output} and {@code serverLog}.
     */
    static void run(List<String> command, String what, Path output, Path serverLog) {
        try {
            Process process = new ProcessBuilder(OsUser.asServerUser(command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(what + " timed out");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(what + " failed with code " + process.exitValue() + "; output:\n"
                        + ChildJvm.LogTail.of(output, 20) + "\nserver log:\n" + ChildJvm.LogTail.of(serverLog, 20));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + what, e);
        }
    }
}
