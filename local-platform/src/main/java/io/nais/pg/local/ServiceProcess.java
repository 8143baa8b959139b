package io.nais.pg.local;

import io.nais.pg.testsupport.process.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One Quarkus service of this checkout ({@code <module>/target/quarkus-app}) run
 * as its own process. Its settings go into {@code config/application.properties}
 * under its working directory, a file Quarkus reads on start, so that passwords
 * stay out of the process list.
 */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int httpPort;
    private final int managementPort;
    private final ChildJvm process;

    private ServiceProcess(String name, int httpPort, int managementPort, ChildJvm process) {
        this.name = name;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.process = process;
    }

    /**
     * Writes the config of {@code name}, a process of {@code module} (one run mode of a service, or the service
     * itself), and starts it; returns without waiting for readiness. Health and metrics are on
     * {@code managementPort} (Quarkus' management interface), as in production, not on {@code httpPort}.
     *
     * @param name   the process (access-gateway, access-provisioning, backup-verifier, dba-grant-service, ...)
     * @param module the module whose application it runs (both access processes run access-service)
     */
    static ServiceProcess start(Path repository, Path directory, String name, String module, int httpPort,
                                int managementPort, Map<String, String> settings) {
        Path app = repository.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(app)) {
            throw new IllegalStateException(app + " is missing: build with ./mvnw -B install -DskipTests");
        }
        Map<String, String> config = new TreeMap<>(settings);
        config.put("quarkus.http.port", Integer.toString(httpPort));
        config.put("quarkus.http.host", "127.0.0.1");
        config.put("quarkus.management.port", Integer.toString(managementPort));
        config.put("quarkus.management.host", "127.0.0.1");
        // Six JVMs start at once on one machine (and SCRAM logins cost CPU on both sides): the first
        // connection may take longer than Agroal's default 5 s to be made, which would fail the start.
        config.put("quarkus.datasource.jdbc.acquisition-timeout", "60S");
        // Plain, readable logs for a person at a terminal; production keeps JSON.
        config.put("quarkus.log.console.json.enabled", "false");
        LocalState.writePrivate(directory.resolve("config/application.properties"), config.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + escape(entry.getValue()))
                .collect(Collectors.joining("\n", "", "\n")));
        // the JIT is the platform's choice for all its children (LocalPlatform: the full one, as in production)
        ChildJvm child = ChildJvm.start(new ChildJvm.Spec(name, name, "io.quarkus.bootstrap.runner.QuarkusEntryPoint", "384m",
                List.of(), List.of(), Map.of(), directory), app.toString());
        return new ServiceProcess(name, httpPort, managementPort, child);
    }

    String name() {
        return name;
    }

    String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Health ({@code /q/health/*}) and metrics ({@code /q/metrics}). */
    String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return process.log();
    }

    /** Waits until the management port's {@code /q/health/ready} answers 200: database, Kafka and the service's own checks are up. */
    void awaitReady(Duration timeout) {
        process.awaitReady(this::ready, timeout.toMillis());
    }

    private boolean ready() {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        process.close();
    }

    /** Properties-file escaping for the values we write (paths, URLs, generated passwords). */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
