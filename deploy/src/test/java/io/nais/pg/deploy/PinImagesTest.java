package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release step {@code bin/pin-images}: run on this build's image tarballs against a copy of
 * deploy/, the prod overlay renders every container's image as {@code <registry>/<module>@<digest>},
 * the digest being the manifest digest the tarball holds (read here from the OCI layout, not as the
 * script reads it).
 */
class PinImagesTest {

    private static final String REGISTRY = "europe-north1-docker.pkg.dev/nais-io/nais-pg";

    @Test
    void theProdOverlayRendersEveryServiceImageByTheDigestOfItsTarball(@TempDir Path copy) throws Exception {
        copyTree(Repository.DEPLOY, copy, List.of("base", "components", "overlays"));
        Path overlay = copy.resolve("overlays/prod");

        assertThat(pinImages(overlay, ImageTarball.DIRECTORY).exitCode()).isZero();

        List<Deployment> deployments = RenderedOverlay.parse(RenderedOverlay.kustomize(overlay)).stream()
                .filter(Deployment.class::isInstance).map(Deployment.class::cast).toList();
        assertThat(deployments).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(KustomizeOverlaysTest.DEPLOYMENTS.keySet());
        for (Deployment deployment : deployments) {
            String module = KustomizeOverlaysTest.DEPLOYMENTS.get(deployment.getMetadata().getName());
            String digest = ImageTarball.built(module).manifestDigest();
            assertThat(deployment.getSpec().getTemplate().getSpec().getContainers()).extracting(Container::getImage)
                    .as(deployment.getMetadata().getName()).containsExactly(REGISTRY + "/" + module + "@" + digest);
        }
    }

    /** Without this build's tarballs the script pins nothing and leaves the overlay as it was. */
    @Test
    void withoutImageTarballsItFailsAndLeavesTheOverlayAlone(@TempDir Path copy) throws Exception {
        copyTree(Repository.DEPLOY, copy, List.of("base", "components", "overlays"));
        Path overlay = copy.resolve("overlays/prod");
        String before = Files.readString(overlay.resolve("kustomization.yaml"));

        Result result = pinImages(overlay, Files.createDirectories(copy.resolve("no-images")));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("no image tarballs");
        assertThat(Files.readString(overlay.resolve("kustomization.yaml"))).isEqualTo(before);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result pinImages(Path overlay, Path images) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Repository.ROOT.resolve("bin/pin-images").toString(), REGISTRY,
                overlay.toString(), images.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static void copyTree(Path from, Path to, List<String> directories) throws IOException {
        for (String directory : directories) {
            try (Stream<Path> files = Files.walk(from.resolve(directory))) {
                for (Path file : files.toList()) {
                    Path target = to.resolve(from.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
    }
}
