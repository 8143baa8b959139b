package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every service's package step leaves a CycloneDX SBOM ({@code target/bom.json}, the quarkus-maven-plugin's
 * {@code dependency-sbom} goal bound in the root pom) that describes what the service runs: it lists the
 * quarkus-core whose jar is in the service's {@code quarkus-app/lib}, and no test-only library. The full build
 * packages the services before this module (the root pom lists deploy last), so there it always runs; a
 * targeted {@code -pl deploy} run skips a service this checkout has not packaged, and fails one packaged
 * without its SBOM.
 */
class SbomTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern QUARKUS_CORE_JAR = Pattern.compile("io\\.quarkus\\.quarkus-core-(.+)\\.jar");

    /** Each module a Deployment runs, once (access-gateway and access-provisioning are one image). */
    static Stream<String> services() {
        return KustomizeOverlaysTest.DEPLOYMENTS.values().stream().distinct();
    }

    @ParameterizedTest
    @MethodSource("services")
    void eachServiceShipsACycloneDxBomOfWhatItRuns(String service) throws IOException {
        Path target = Repository.ROOT.resolve(service).resolve("target");
        assumeTrue(Files.exists(target.resolve("quarkus-app/quarkus-run.jar")),
                service + " is not packaged in this checkout (./mvnw -pl " + service + " -am package -DskipTests)");
        Path bom = target.resolve("bom.json");
        assertThat(bom).as("the SBOM beside " + service + "'s quarkus-app").exists();
        JsonNode document = JSON.readTree(bom.toFile());
        assertThat(document.path("bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(document.path("metadata").path("component").path("name").asText()).isEqualTo(service);

        List<JsonNode> components = StreamSupport.stream(document.path("components").spliterator(), false).toList();
        assertThat(components).filteredOn(c -> c.path("group").asText().equals("io.quarkus")
                        && c.path("name").asText().equals("quarkus-core"))
                .singleElement().satisfies(core -> {
                    assertThat(core.path("version").asText()).isEqualTo(quarkusCoreInQuarkusApp(target));
                    assertThat(core.path("purl").asText()).startsWith("pkg:maven/io.quarkus/quarkus-core@");
                });
        // test scope stays out: what the SBOM lists is what the image carries
        assertThat(components).noneMatch(c -> c.path("name").asText().equals("junit-jupiter-api")
                || c.path("name").asText().equals("test-support"));
    }

    /** The version of the quarkus-core jar the packaged service actually loads. */
    private static String quarkusCoreInQuarkusApp(Path target) throws IOException {
        try (Stream<Path> jars = Files.list(target.resolve("quarkus-app/lib/main"))) {
            return jars.map(jar -> QUARKUS_CORE_JAR.matcher(jar.getFileName().toString()))
                    .filter(Matcher::matches).map(m -> m.group(1)).findFirst()
                    .orElseThrow(() -> new AssertionError("no quarkus-core jar in " + target.resolve("quarkus-app/lib/main")));
        }
    }
}
