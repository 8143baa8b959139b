package io.nais.pg.testsupport.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A program run in its own JVM with a classpath recorded at build time by a
 * {@code test-support/runtimes/*} module. Output goes to a log file in the
 * program's directory; the child is destroyed on {@link #close()}, by the
 * {@link Reaper}, and, through {@link OrphanGuard}, when this JVM dies.
 */
public final class ChildJvm implements AutoCloseable {

    /**
     * Chooses the children's JIT: {@code fast-start} (the default, for tests) or
     * {@code throughput} (for benchmarks, {@code -Dnais.child-jvm.tuning=throughput}).
     */
    public static final String TUNING_PROPERTY = "nais.child-jvm.tuning";

    /** Small heap and flags that favour start-up time over peak throughput: C1 only, no profiling. */
    private static final List<String> FAST_START = List.of(
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto",
            "-Djava.awt.headless=true", "-Djava.net.preferIPv4Stack=true");

    /**
     * The JVM's full tiered JIT. A benchmark's broker, S3 server or service runs for
     * minutes under load, where C1-only code costs several times the CPU of C2's, and
     * on two shared cores that CPU is taken from the thing being measured.
     */
    private static final List<String> THROUGHPUT = List.of(
            "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto",
            "-Djava.awt.headless=true", "-Djava.net.preferIPv4Stack=true");

    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Describes the child to start. */
    public record Spec(String name, String runtime, String mainClass, String maxHeap, List<String> jvmArgs,
                       List<String> args, Map<String, String> environment, Path directory) {
    }

    /** The JVM options a child gets before its own, per {@link #TUNING_PROPERTY}. */
    static List<String> tuning() {
        String tuning = System.getProperty(TUNING_PROPERTY, "fast-start");
        return switch (tuning) {
            case "fast-start" -> FAST_START;
            case "throughput" -> THROUGHPUT;
            default -> throw new IllegalArgumentException(
                    TUNING_PROPERTY + " must be fast-start or throughput, not " + tuning);
        };
    }

    /** Starts the child and returns at once; use {@link #awaitReady} or {@link #awaitExit}. */
    public static ChildJvm start(Spec spec) {
        return start(spec, RuntimeClasspath.of(spec.runtime()));
    }

    /**
     * Starts a program whose classpath is not one of the recorded runtimes, such
     * as a built Quarkus application ({@code quarkus-app/quarkus-run.jar}) that
     * the local platform runs; it gets the same orphan guard and logging.
     */
    public static ChildJvm start(Spec spec, String classpath) {
        return start(spec, classpath, true, List.of(thisJava()));
    }

    /**
     * Like {@link #start(Spec, String)}, but the child's environment is exactly
     * {@link Spec#environment()}: nothing of this JVM's own (its {@code HOME},
     * {@code KUBECONFIG} or a developer's {@code QUARKUS_*} could stand in for a
     * setting the child is meant to get from its spec alone).
     */
    public static ChildJvm startWithOnlyItsEnvironment(Spec spec, String classpath) {
        return start(spec, classpath, false, List.of(thisJava()));
    }

    /**
     * Like {@link #startWithOnlyItsEnvironment(Spec, String)}, on another Java than this JVM's: {@code java}
     * is the command that starts it (a container image's java, run through the image's own loader).
     */
    public static ChildJvm startWithOnlyItsEnvironment(Spec spec, String classpath, List<String> java) {
        return start(spec, classpath, false, java);
    }

    private static String thisJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static ChildJvm start(Spec spec, String classpath, boolean inheritEnvironment, List<String> java) {
        List<String> command = new ArrayList<>(java);
        command.add("-Xmx" + spec.maxHeap());
        command.addAll(tuning());
        command.addAll(spec.jvmArgs());
        command.add("-cp");
        command.add(guardLocation() + File.pathSeparator + classpath);
        command.add(OrphanGuard.class.getName());
        command.add(spec.mainClass());
        command.addAll(spec.args());
        Path log = spec.directory().resolve(spec.name() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(spec.directory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (!inheritEnvironment) {
            builder.environment().clear();
        }
        builder.environment().putAll(spec.environment());
        try {
            ChildJvm child = new ChildJvm(spec.name(), builder.start(), log);
            Reaper.register(child);
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + spec.name(), e);
        }
    }

    /** Waits until {@code ready} holds; fails with the log's tail if the child dies or time runs out. */
    public void awaitReady(BooleanSupplier ready, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw failure(name + " exited with code " + process.exitValue() + " while starting");
            }
            if (System.currentTimeMillis() > deadline) {
                close();
                throw failure(name + " was not ready within " + timeoutMillis + " ms");
            }
            sleep(50);
        }
    }

    /** Waits for the child to exit with code 0 (for one-shot tools such as Kafka's StorageTool). */
    public void awaitExit(long timeoutMillis) {
        try {
            if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                close();
                throw failure(name + " did not finish within " + timeoutMillis + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted waiting for " + name, e);
        }
        Reaper.deregister(this);
        if (process.exitValue() != 0) {
            throw failure(name + " exited with code " + process.exitValue());
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** An exception whose message ends with the last lines of the child's log. */
    public IllegalStateException failure(String message) {
        return new IllegalStateException(message + "; log " + log + ", last lines:\n" + LogTail.of(log, 40));
    }

    /** {@code kill -9}: the child gets no chance to shut down cleanly (a crash, for fault tests); returns once it is gone. */
    public void kill() {
        Reaper.deregister(this);
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        Reaper.deregister(this);
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ChildJvm[" + name + ", pid " + process.pid() + "]";
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The jar or directory holding {@link OrphanGuard}: it has no dependencies, so it is all the child needs of ours. */
    private static String guardLocation() {
        try {
            return Path.of(OrphanGuard.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The last lines of a log file, for error messages. */
    public static final class LogTail {
        private LogTail() {
        }

        public static String of(Path log, int lines) {
            try (InputStream in = Files.newInputStream(log)) {
                List<String> all = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }
    }
}
