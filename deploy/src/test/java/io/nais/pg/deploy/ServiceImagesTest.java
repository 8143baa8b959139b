package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The image of each module a Deployment runs, as the build writes it before the tests
 * ({@code deploy/target/images/<module>.tar}, io.nais.pg.deploy.image.ServiceImages): an OCI image
 * whose blobs match their digests, that runs the Quarkus fast-jar as uid 185 on its own Java and C
 * library, labelled with its source and commit. Its Java is run, without a container engine, through
 * the image's own dynamic loader and libraries, and every library it loads must come from the image.
 */
class ServiceImagesTest {


    static List<String> modules() {
        return SbomTest.services().toList();
    }

    @ParameterizedTest
    @MethodSource("modules")
    void theImageRunsTheFastJarAsUid185WithThePortsItsDeploymentsName(String module) throws Exception {
        JsonNode config = ImageTarball.built(module).config();
        assertThat(config.path("User").asText()).isEqualTo("185:185");
        assertThat(strings(config.path("Entrypoint"))).containsExactly("/opt/java/bin/java", "-XX:MaxRAMPercentage=75",
                "-Djava.io.tmpdir=/tmp", "-jar", "/app/quarkus-run.jar");
        assertThat(config.path("WorkingDir").asText()).isEqualTo("/app");
        assertThat(strings(config.path("Env"))).contains("JAVA_HOME=/opt/java", "LANG=C.UTF-8");
        Set<String> exposed = new TreeSet<>();
        config.path("ExposedPorts").fieldNames().forEachRemaining(exposed::add);
        assertThat(exposed).as("the ports of the Deployments that run " + module).isEqualTo(containerPorts(module));
        JsonNode labels = config.path("Labels");
        assertThat(labels.path("org.opencontainers.image.source").asText()).startsWith("https://");
        assertThat(labels.path("org.opencontainers.image.revision").asText()).isEqualTo(headCommit());
        assertThat(labels.path("org.opencontainers.image.title").asText()).isEqualTo(module);
    }

    @ParameterizedTest
    @MethodSource("modules")
    void itsLayersHoldTheApplicationTheRuntimeAndTheCLibraryAllOwnedByRootAndReadOnly(String module) {
        List<ImageTarball.LayerFile> files = ImageTarball.built(module).files();
        Set<String> paths = files.stream().map(ImageTarball.LayerFile::path).collect(Collectors.toSet());
        assertThat(paths).contains("/app/quarkus-run.jar", "/app/quarkus/quarkus-application.dat", "/app/sbom/bom.json",
                ImageFilesystem.JAVA, "/opt/java/lib/server/libjvm.so", "/opt/java/lib/security/cacerts", ImageFilesystem.LOADER,
                "/lib/x86_64-linux-gnu/libc.so.6", "/etc/passwd", "/var/lib/dpkg/status.d/libc6");
        assertThat(paths).anyMatch(p -> p.matches("/app/lib/main/io\\.quarkus\\.quarkus-core-.+\\.jar"));
        assertThat(paths.stream().anyMatch(p -> p.matches("/usr/lib/postgresql/\\d+/bin/pg_dump")))
                .as("pg_dump only where the service runs it").isEqualTo(module.equals("backup-service"));
        // uid 185 can change none of it: its code, runtime and libraries are root's and not writable by others
        assertThat(files).allSatisfy(f -> {
            assertThat(f.uid()).as(f.path()).isZero();
            assertThat(f.mode() & 022).as(f.path() + " writable by group or others").isZero();
        });
        assertThat(files).filteredOn(f -> f.path().equals("/opt/java/bin/java")).allSatisfy(f -> assertThat(f.mode()).isEqualTo(0755));
    }

    @ParameterizedTest
    @MethodSource("modules")
    void itsJavaStartsOnTheImagesOwnLoaderAndLibraries(String module) throws Exception {
        ImageFilesystem image = ImageFilesystem.of(module);
        assertThat(Files.readString(image.path("/etc/passwd"))).contains(":185:185:");
        String java = runInImage(image, ImageFilesystem.JAVA, "-XshowSettings:properties", "-version");
        assertThat(java).contains("java.home = " + image.path("/opt/java"), "java.specification.version = 17",
                "file.encoding = UTF-8");
        if (module.equals("backup-service")) {
            Path pgDump;
            try (var versions = Files.list(image.path("/usr/lib/postgresql"))) {
                pgDump = versions.map(v -> v.resolve("bin/pg_dump")).filter(Files::isExecutable).findFirst().orElseThrow();
            }
            assertThat(runInImage(image, "/" + image.root().relativize(pgDump), "--version"))
                    .startsWith("pg_dump (PostgreSQL) " + pgDump.getParent().getParent().getFileName());
        }
    }

    /**
     * Runs a program of the image through the image's dynamic loader, told to search the image's library
     * directories; the loader's own log (LD_DEBUG=libs) names every library it loads, and each must be the
     * image's: one missing from the image would be taken from this host and fail here.
     */
    private static String runInImage(ImageFilesystem image, String program, String... args) throws Exception {
        List<String> command = new ArrayList<>(image.command(program));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("LD_DEBUG", "libs");
        builder.environment().put("LANG", "C.UTF-8");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        List<String> loaded = output.lines().filter(l -> l.contains("calling init: "))
                .map(l -> l.substring(l.indexOf("calling init: ") + "calling init: ".length()).trim()).toList();
        assertThat(loaded).as("the libraries " + program + " loaded").isNotEmpty()
                .allSatisfy(library -> assertThat(Path.of(library).normalize()).as(library).startsWith(image.root()));
        return output.lines().filter(l -> !l.matches("\\s*\\d+:.*")).collect(Collectors.joining("\n"));
    }

    private static Set<String> containerPorts(String module) {
        return RenderedOverlay.render("prod").all(Deployment.class).stream()
                .filter(d -> KustomizeOverlaysTest.DEPLOYMENTS.get(d.getMetadata().getName()).equals(module))
                .flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream())
                .flatMap(c -> c.getPorts().stream())
                .map(ContainerPort::getContainerPort).map(p -> p + "/tcp").collect(Collectors.toCollection(TreeSet::new));
    }

    static String headCommit() throws Exception {
        Process git = new ProcessBuilder("git", "-C", Repository.ROOT.toString(), "rev-parse", "HEAD").start();
        String commit = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return commit;
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
