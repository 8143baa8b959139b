package io.nais.pg.testsupport.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a running process was started (its command line and working directory, read from {@code /proc}),
 * so that a fault drill can {@code kill -9} a process another JVM started, such as one instance of a
 * service of {@code bin/local-platform up} (its pid in {@code platform.env}'s {@code PIDS_*}), and
 * start it again as it was. A service of the local platform reads its settings from its working
 * directory, so the same command there is the same instance (same ports, same spool).
 *
 * <pre>{@code
 * ProcessLaunch launch = ProcessLaunch.of(pid);   // before the kill: /proc forgets a dead process
 * ProcessHandle.of(pid).orElseThrow().destroyForcibly();
 * Process again = launch.start(log);
 * }</pre>
 *
 * The new process is this JVM's child; a child JVM's {@link OrphanGuard} ends it when this JVM exits.
 */
public record ProcessLaunch(List<String> command, Path directory) {

    /** Reads the command line and working directory of the running process {@code pid} (Linux). */
    public static ProcessLaunch of(long pid) {
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
        List<String> command = new ArrayList<>();
        command.add(process.info().command().orElseThrow(() -> new IllegalStateException("cannot read the command of " + pid)));
        command.addAll(Arrays.asList(process.info().arguments().orElse(new String[0])));
        try {
            return new ProcessLaunch(List.copyOf(command), Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the working directory of " + pid, e);
        }
    }

    /** Starts the command again in its directory, its output appended to {@code log}. */
    public Process start(Path log) {
        try {
            return new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command.get(0) + " again", e);
        }
    }
}
