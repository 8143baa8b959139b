package io.nais.pg.testsupport.process;

import io.nais.pg.testsupport.metrics.Scrape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One of our services as it is deployed: its packaged {@code quarkus-run.jar} in a {@link ChildJvm} of its own
 * (the JIT {@code -Dnais.child-jvm.tuning} chooses, the orphan guard, the log file). Its settings go into
 * {@code config/application.properties} in its working directory, a file Quarkus reads on start and only its
 * owner may read, so that passwords stay off the process list. Health and metrics are on its management port,
 * as in production. The local platform, the benchmarks and the tests that need a peer service all start
 * services this way.
 */
public final class ServiceJvm implements AutoCloseable {

    private static final String QUARKUS_ENTRY_POINT = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final String url;
    private final String managementUrl;
    private final ChildJvm jvm;

    private ServiceJvm(String name, String url, String managementUrl, ChildJvm jvm) {
        this.name = name;
        this.url = url;
        this.managementUrl = managementUrl;
        this.jvm = jvm;
    }

    /** {@code <repository>/<module>/target/quarkus-app/quarkus-run.jar}: the service as this checkout packaged it. */
    public static Path packagedApp(Path repository, String module) {
        return repository.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** The process {@code name} (access-gateway, dba-grant-service, ...) of the application {@code jar}. */
    public static Builder of(String name, Path jar) {
        return new Builder(name, jar);
    }

    /** How to start one service; every part but the name, the jar and the settings has a default. */
    public static final class Builder {

        private final String name;
        private final Path jar;
        private final Map<String, String> config = new TreeMap<>();
        private Path directory;
        private int httpPort;
        private int managementPort;
        private String maxHeap = "384m";
        private List<String> jvmArgs = List.of();

        private Builder(String name, Path jar) {
            this.name = name;
            this.jar = jar;
        }

        /** Settings on top of its own application.properties. */
        public Builder config(Map<String, String> settings) {
            config.putAll(settings);
            return this;
        }

        /** Its working directory (its config and log); a fresh temporary one by default. */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        /** Fixed ports; free ones by default. */
        public Builder ports(int httpPort, int managementPort) {
            this.httpPort = httpPort;
            this.managementPort = managementPort;
            return this;
        }

        public Builder maxHeap(String maxHeap) {
            this.maxHeap = maxHeap;
            return this;
        }

        /** e.g. a flight recording to profile a service. */
        public Builder jvmArgs(List<String> jvmArgs) {
            this.jvmArgs = List.copyOf(jvmArgs);
            return this;
        }

        /** Writes its settings and starts it; returns without waiting for readiness ({@link #awaitReady}). */
        public ServiceJvm start() {
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar.toAbsolutePath() + " is missing: package the service first"
                        + " (./mvnw -B install -DskipTests)");
            }
            Path home = directory != null ? directory : TempDirs.create(name);
            int http = httpPort != 0 ? httpPort : FreePorts.next();
            int management = managementPort != 0 ? managementPort : FreePorts.next();
            Map<String, String> all = new TreeMap<>(config);
            all.put("quarkus.http.host", FreePorts.HOST);
            all.put("quarkus.http.port", Integer.toString(http));
            all.put("quarkus.management.host", FreePorts.HOST);
            all.put("quarkus.management.port", Integer.toString(management));
            // plain, readable logs for a person reading them; production keeps JSON
            all.putIfAbsent("quarkus.log.console.json.enabled", "false");
            PrivateFiles.write(home.resolve("config/application.properties"), all.entrySet().stream()
                    .map(e -> e.getKey() + "=" + escape(e.getValue()))
                    .collect(Collectors.joining("\n", "", "\n")));
            ChildJvm jvm = ChildJvm.start(new ChildJvm.Spec(name, name, QUARKUS_ENTRY_POINT, maxHeap, jvmArgs,
                    List.of(), Map.of(), home), jar.toAbsolutePath().toString());
            return new ServiceJvm(name, "http://" + FreePorts.HOST + ":" + http,
                    "http://" + FreePorts.HOST + ":" + management, jvm);
        }
    }

    /** Waits until {@code /q/health/ready} answers 200: its database, Kafka and its own checks are up. */
    public ServiceJvm awaitReady(Duration timeout) {
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

    public String name() {
        return name;
    }

    /** Its public http address. */
    public String url() {
        return url;
    }

    /** Health ({@code /q/health/*}) and metrics ({@code /q/metrics}). */
    public String managementUrl() {
        return managementUrl;
    }

    public long pid() {
        return jvm.pid();
    }

    public Path log() {
        return jvm.log();
    }

    /** kill -9, as a crash would end it; {@link #close()} afterwards only reaps it. */
    public void kill() {
        jvm.kill();
    }

    /** Copies its log to {@code target}, for whoever reads a failed run after its directory is gone. */
    public void keepLog(Path target) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.copy(jvm.log(), target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        jvm.close();
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

    /** Properties-file escaping for the values we write (paths, URLs, generated passwords). */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
