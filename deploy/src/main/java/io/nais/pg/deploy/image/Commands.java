package io.nais.pg.deploy.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The build machine's tools the image build runs: jlink, ldd, dpkg-query, git. */
final class Commands {

    private static final long TIMEOUT_MINUTES = 5;

    private Commands() {
    }

    /** Runs the command with its output shown in the build's; fails unless it exits 0. */
    static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The command's output lines; fails when it fails or prints nothing. */
    static List<String> output(Map<String, String> environment, String... command) {
        List<String> lines = outputIfItSucceeds(environment, command);
        if (lines.isEmpty()) {
            throw new IllegalStateException(String.join(" ", command) + " failed or printed nothing");
        }
        return lines;
    }

    /** The command's output lines, or none when it exits non-zero (its error output is dropped). */
    static List<String> outputIfItSucceeds(Map<String, String> environment, String... command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().putAll(environment);
            Process process = builder.start();
            List<String> lines = new String(process.getInputStream().readAllBytes()).lines().toList();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            return process.exitValue() == 0 ? lines : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
