package io.nais.pg.cli.testing;

import io.nais.pg.cli.Nais;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code nais} as a real process (its own JVM, signals, exit status), started
 * from the test classpath with the environment the test gives it.
 */
public final class NaisProcess {

    private NaisProcess() {
    }

    public record Result(int exitCode, String out, String err) {
    }

    public static Process start(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Nais.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    public static Result run(Map<String, String> environment, String... args) throws Exception {
        Process process = start(environment, args);
        process.getOutputStream().close();
        var out = process.getInputStream().readAllBytes();
        var err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("nais did not finish");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** Reads stdout lines until one contains {@code marker}; returns the lines read. */
    public static List<String> readUntil(Process process, String marker) throws IOException {
        return readUntil(process, process.getInputStream(), marker);
    }

    /** Reads lines of {@code stream} (the process's stdout or stderr) until one contains {@code marker}. */
    public static List<String> readUntil(Process process, java.io.InputStream stream, String marker) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String line; (line = reader.readLine()) != null; ) {
            lines.add(line);
            if (line.contains(marker)) {
                return lines;
            }
        }
        throw new IllegalStateException("nais ended before printing '" + marker + "': " + lines
                + " exit: " + process.onExit().thenApply(Process::exitValue).getNow(null));
    }
}
