package io.nais.pg.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A running PostgreSQL client tool (pg_dump, pg_restore, psql ...). Its stderr
 * is drained on a thread of its own (a full pipe would stall the tool) and only
 * the tail is kept, as the reason when the tool fails.
 */
public final class ToolProcess implements AutoCloseable {

    private static final int TAIL_BYTES = 2048;

    private final String tool;
    private final Process process;
    private final byte[] tail;
    private final Thread stderrDrain;
    private int tailLength;

    /**
     * Starts {@code executable} with its arguments; stdout and stdin are the caller's to use.
     *
     * @param environment sets the child's environment (a login's {@code PGPASSWORD}, {@code PGSSLMODE} ...),
     *                    which is the only place a password may go: a command line is what {@code ps} shows
     */
    public static ToolProcess start(Path executable, List<String> arguments, Consumer<Map<String, String>> environment) {
        return start(executable, arguments, environment, TAIL_BYTES);
    }

    /**
     * The same, keeping the last {@code stderrTailBytes} of stderr: more for a tool whose error line may be
     * followed by a long statement (pg_restore prints the command that failed).
     */
    public static ToolProcess start(Path executable, List<String> arguments, Consumer<Map<String, String>> environment,
                                    int stderrTailBytes) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        environment.accept(builder.environment());
        String tool = executable.getFileName().toString();
        try {
            return new ToolProcess(tool, builder.start(), stderrTailBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + tool, e);
        }
    }

    private ToolProcess(String tool, Process process, int stderrTailBytes) {
        this.tool = tool;
        this.process = process;
        this.tail = new byte[stderrTailBytes];
        this.stderrDrain = new Thread(this::drainStderr, tool + "-stderr");
        stderrDrain.setDaemon(true);
        stderrDrain.start();
    }

    public InputStream stdout() {
        return process.getInputStream();
    }

    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /** Waits for the tool and throws {@link ToolFailedException} with its stderr tail unless it exited 0. */
    public void awaitSuccess() throws InterruptedException {
        int exit = exitStatus();
        if (exit != 0) {
            throw new ToolFailedException(tool + " exited with " + exit + ": " + stderrTail());
        }
    }

    /**
     * Waits for the tool and its stderr, and returns its exit status: for a caller whose decision depends on
     * which of two piped tools failed first.
     */
    public int exitStatus() throws InterruptedException {
        int exit = process.waitFor();
        stderrDrain.join(TimeUnit.SECONDS.toMillis(5));
        return exit;
    }

    public synchronized String stderrTail() {
        return new String(tail, 0, tailLength, StandardCharsets.UTF_8).strip();
    }

    /** Kills the tool if it still runs: an abandoned pipeline must not leave a pg_dump holding a snapshot. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private void drainStderr() {
        byte[] buffer = new byte[1024];
        try (InputStream stderr = process.getErrorStream()) {
            int n;
            while ((n = stderr.read(buffer)) >= 0) {
                keep(buffer, n);
            }
        } catch (IOException e) {
            // the process is gone; what we kept is the tail
        }
    }

    private synchronized void keep(byte[] buffer, int n) {
        if (n >= tail.length) {
            System.arraycopy(buffer, n - tail.length, tail, 0, tail.length);
            tailLength = tail.length;
            return;
        }
        int overflow = Math.max(0, tailLength + n - tail.length);
        System.arraycopy(tail, overflow, tail, 0, tailLength - overflow);
        tailLength -= overflow;
        System.arraycopy(buffer, 0, tail, tailLength, n);
        tailLength += n;
    }

    /** A tool exited non-zero; the message carries its stderr tail (which names hosts and tables, never a password). */
    public static final class ToolFailedException extends RuntimeException {
        public ToolFailedException(String message) {
            super(message);
        }
    }
}
