package io.nais.pg.local;

import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.process.ProcessLaunch;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Processes of a running {@code bin/local-platform up} (platform.env's {@code PIDS_*}) stopped or killed and
 * started again as they were: {@link ProcessLaunch} reads the command and working directory before the stop
 * ({@code /proc} forgets a dead process), and a service instance reads its settings from that directory, so the
 * same command there is the same instance (ports, spool). What is started again is this JVM's child, which
 * {@code down} does not know of: {@link #close()} stops it.
 */
final class Relaunches implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A restarted JVM on a loaded 2-core machine: up allows its services 3 minutes as well. */
    private final Duration start;
    private final List<Process> started = new CopyOnWriteArrayList<>();

    Relaunches(Duration start) {
        this.start = start;
    }

    /**
     * SIGTERM to the instance, {@code whileStopping} until it has exited, then the same command in the same
     * directory, and waits until its management port says ready.
     */
    void restart(long pid, ThrowingRunnable whileStopping) throws Exception {
        ProcessLaunch launch = ProcessLaunch.of(pid);
        ProcessHandle instance = ProcessHandle.of(pid).orElseThrow();
        instance.destroy();
        whileStopping.run();
        instance.onExit().get(start.toSeconds(), TimeUnit.SECONDS);
        awaitReady(startService(launch), launch.directory());
    }

    /** {@code kill -9}, as the kernel's OOM killer or a lost node ends a process: no shutdown hook runs. */
    static ProcessLaunch kill(long pid) throws Exception {
        ProcessLaunch launch = ProcessLaunch.of(pid);
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        process.onExit().get(30, TimeUnit.SECONDS);
        return launch;
    }

    /** A service instance started again in its directory, its output appended to its log there. */
    Process startService(ProcessLaunch launch) {
        Path directory = launch.directory();
        return track(launch.start(directory.resolve(directory.getFileName() + ".log")));
    }

    /** A broker started again on its storage and ports (its command names them), its output appended to {@code log}. */
    Process startBroker(ProcessLaunch launch, Path log) {
        return track(launch.start(log));
    }

    /** Waits until the instance started from {@code directory} answers ready on its management port. */
    void awaitReady(Process instance, Path directory) throws Exception {
        String health = "http://127.0.0.1:" + setting(directory, "quarkus.management.port") + "/q/health/ready";
        awaitTrue(() -> !instance.isAlive() || ready(health), directory.getFileName() + " is ready again");
        if (!instance.isAlive()) {
            throw new AssertionError(directory.getFileName() + " exited after its start again; log in " + directory);
        }
    }

    /** Waits until the Kafka cluster at {@code bootstrapServers} has {@code brokers} brokers registered again. */
    void awaitBrokers(String bootstrapServers, int brokers) throws Exception {
        try (var admin = KafkaBroker.attach(bootstrapServers).admin()) {
            awaitTrue(() -> registered(admin) == brokers, brokers + " brokers are registered");
        }
    }

    /** The broker leading partition 0 of {@code topic}: its node.id n is PIDS_KAFKA's n-th pid. */
    static int leaderOf(String bootstrapServers, String topic) throws Exception {
        try (var admin = KafkaBroker.attach(bootstrapServers).admin()) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().get(0).leader().id();
        }
    }

    /** A setting of the instance whose directory this is, from the config file {@code up} wrote there. */
    static String setting(Path directory, String name) throws IOException {
        Properties config = new Properties();
        try (Reader reader = Files.newBufferedReader(directory.resolve("config/application.properties"))) {
            config.load(reader);
        }
        return config.getProperty(name);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process instance : started) {
            instance.destroy();
            if (!instance.waitFor(1, TimeUnit.MINUTES)) {
                throw new AssertionError("instance " + instance.pid() + " started again did not stop");
            }
        }
    }

    private Process track(Process process) {
        started.add(process);
        return process;
    }

    private static int registered(org.apache.kafka.clients.admin.Admin admin) {
        try {
            return admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
        } catch (ExecutionException | TimeoutException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean ready(String health) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(health)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(start);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + start + " waiting until " + what);
            }
            Thread.sleep(200);
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
