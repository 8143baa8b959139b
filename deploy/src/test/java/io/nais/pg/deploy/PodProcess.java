package io.nais.pg.deploy;

import io.nais.pg.testsupport.process.ChildJvm;
import io.nais.pg.testsupport.process.FreePorts;
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

/**
 * A {@link Pod}'s container run as a process of this host: the service's image
 * ({@code deploy/target/images/<module>.tar}, extracted by {@link ImageFilesystem}) starts its own
 * {@code /app/quarkus-run.jar} on its own Java, through its own dynamic loader and libraries, in an
 * environment that is exactly the pod's, working directory the pod's {@code /app} and temporary
 * directory its {@code /tmp} (both under the pod's root). No container engine: the processes share
 * this host's network and filesystem, so pods whose containers declare the same port cannot run at
 * once ({@link #overlapping}), and a program the service runs by absolute path (backup-service's
 * pg_dump) is this host's.
 */
final class PodProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String QUARKUS_ENTRY_POINT = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";

    private final Pod pod;
    private final ChildJvm process;

    private PodProcess(Pod pod, ChildJvm process) {
        this.pod = pod;
        this.process = process;
    }

    static PodProcess start(Pod pod) {
        ImageFilesystem image = ImageFilesystem.of(pod.module());
        Path jar = image.path("/app/quarkus-run.jar");
        for (int port : pod.ports()) {
            if (FreePorts.accepts(port)) {
                throw new AssertionError(pod.name() + ": port " + port + " of its container is taken on this host");
            }
        }
        Path workingDirectory = mkdirs(pod.filesystem().host("/app"));
        Path tmp = mkdirs(pod.filesystem().host("/tmp"));
        ChildJvm process = ChildJvm.startWithOnlyItsEnvironment(new ChildJvm.Spec(pod.name(), pod.module(),
                QUARKUS_ENTRY_POINT, pod.maxHeap(), List.of("-Djava.io.tmpdir=" + tmp), List.of(), pod.environment(),
                workingDirectory), jar.toString(), image.command(ImageFilesystem.JAVA));
        return new PodProcess(pod, process);
    }

    /** Two pods that cannot run at once on one host network. */
    static boolean overlapping(Pod a, Pod b) {
        return a.ports().stream().anyMatch(b.ports()::contains);
    }

    /** Waits until the readiness probe answers 200; fails with the log's tail if the process exits or time runs out. */
    void awaitReady(Duration timeout) {
        Pod.HttpProbe readiness = pod.readiness();
        process.awaitReady(() -> status(readiness) == 200, timeout.toMillis());
    }

    /** Each HTTP probe of the container (startup, readiness, liveness) and the status it answers now. */
    Map<String, Integer> probeStatuses() {
        Map<String, Integer> statuses = new LinkedHashMap<>();
        pod.probes().forEach(probe -> statuses.put(probe.kind() + " " + probe.path() + " :" + probe.port(), status(probe)));
        return statuses;
    }

    IllegalStateException failure(String message) {
        return process.failure(message);
    }

    private static int status(Pod.HttpProbe probe) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + FreePorts.HOST + ":" + probe.port() + probe.path()))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static Path mkdirs(Path directory) {
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return pod.name();
    }
}
