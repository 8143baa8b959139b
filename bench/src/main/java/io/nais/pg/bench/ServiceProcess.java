package io.nais.pg.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.nais.pg.testsupport.metrics.Scrape;
import io.nais.pg.testsupport.process.ChildJvm;
import io.nais.pg.testsupport.process.FreePorts;

/**
 * A service as it is deployed: its packaged {@code quarkus-run.jar} in a {@link ChildJvm} of its own (the JIT
 * {@code -Dnais.child-jvm.tuning} chooses, the orphan guard, the log file), configured through
 * {@code config/application.properties} in its working directory, which Quarkus reads on start, so that
 * passwords stay off the process list. Health and metrics are on its management port, as in production.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final String QUARKUS_ENTRY_POINT = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ChildJvm jvm;
    private final String url;
    private final String managementUrl;

    private ServiceProcess(ChildJvm jvm, String url, String managementUrl) {
        this.jvm = jvm;
        this.url = url;
        this.managementUrl = managementUrl;
    }

    /**
     * Starts {@code jar} as the process {@code name} with {@code config} on top of its application.properties, on
     * free http and management ports; returns without waiting for readiness.
     */
    public static ServiceProcess start(String name, Path jar, Map<String, String> config) {
        try {
            Path directory = Files.createTempDirectory(name);
            int port = FreePorts.next();
            int managementPort = FreePorts.next();
            Map<String, String> all = new LinkedHashMap<>(config);
            all.put("quarkus.http.host", FreePorts.HOST);
            all.put("quarkus.http.port", Integer.toString(port));
            all.put("quarkus.management.host", FreePorts.HOST);
            all.put("quarkus.management.port", Integer.toString(managementPort));
            all.put("quarkus.log.console.json.enabled", "false");
            Files.createDirectories(directory.resolve("config"));
            Files.writeString(directory.resolve("config/application.properties"), all.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\"))
                    .collect(Collectors.joining("\n", "", "\n")));
            ChildJvm jvm = ChildJvm.start(new ChildJvm.Spec(name, name, QUARKUS_ENTRY_POINT, "512m", extraJvmArgs(),
                    List.of(), Map.of(), directory), jar.toString());
            return new ServiceProcess(jvm, "http://" + FreePorts.HOST + ":" + port,
                    "http://" + FreePorts.HOST + ":" + managementPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** e.g. {@code -Dbench.serviceJvmArgs=-XX:StartFlightRecording=filename=/tmp/access.jfr} to profile a service. */
    private static List<String> extraJvmArgs() {
        String extra = System.getProperty("bench.serviceJvmArgs", "").strip();
        return extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
    }

    /** Waits until {@code /q/health/ready} answers 200 (its database, Kafka and its own checks are up). */
    public ServiceProcess awaitReady(Duration timeout) {
        jvm.awaitReady(() -> status(managementUrl + "/q/health/ready") == 200, timeout.toMillis());
        return this;
    }

    /** One scrape of its {@code /q/metrics}. */
    public Scrape metrics() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(managementUrl + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw jvm.failure("/q/metrics answered " + response.statusCode());
            }
            return Scrape.of(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Its public http address. */
    public String url() {
        return url;
    }

    public long pid() {
        return jvm.pid();
    }

    public Path log() {
        return jvm.log();
    }

    @Override
    public void close() {
        jvm.close();
    }
}
