package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PrometheusRule (deploy/base/alerts.yaml), as each overlay renders it, is valid for Prometheus
 * ({@code promtool check rules}), its alerts fire when and only when they should ({@code promtool test rules}
 * with src/test/resources/alerts-test.yaml). What the expressions read, and the runbook lines, are
 * MonitoringQueriesTest's.
 */
class AlertRulesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Stream<RenderedOverlay> overlays() {
        return KustomizeOverlaysTest.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void promtoolAcceptsTheRules(RenderedOverlay overlay, @TempDir Path directory) {
        Path rules = writeRuleFile(overlay, directory);
        assertThat(promtool(directory, "check", "rules", rules.getFileName().toString())).contains("SUCCESS");
    }

    /**
     * The expected alerts name the labels and the summary; the runbook lines are left out of this copy (they are
     * MonitoringQueriesTest's), so a reworded how-to does not have to be repeated in alerts-test.yaml.
     */
    @Test
    void theAlertsFireWhenTheyShouldAndOnlyThen(@TempDir Path directory) throws IOException {
        writeRuleFile(withoutRunbooks(rules(RenderedOverlay.render("prod"))), directory);
        Files.copy(Repository.DEPLOY.resolve("src/test/resources/alerts-test.yaml"), directory.resolve("alerts-test.yaml"));
        assertThat(promtool(directory, "test", "rules", "alerts-test.yaml")).contains("SUCCESS");
    }

    @SuppressWarnings("unchecked")
    private static Object withoutRunbooks(Object groups) {
        Object copy = YAML.convertValue(groups, Object.class);
        for (Map<String, Object> group : (List<Map<String, Object>>) copy) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                if (rule.get("annotations") instanceof Map<?, ?> annotations) {
                    annotations.remove("runbook");
                }
            }
        }
        return copy;
    }

    @SuppressWarnings("unchecked")
    static Object rules(RenderedOverlay overlay) {
        GenericKubernetesResource rule = overlay.custom("PrometheusRule").stream()
                .filter(r -> r.getMetadata().getName().equals("nais-pg-alerts")).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no PrometheusRule nais-pg-alerts"));
        return ((Map<String, Object>) rule.getAdditionalProperties().get("spec")).get("groups");
    }

    /** The rule's groups as a Prometheus rule file, the form promtool reads. */
    private static Path writeRuleFile(RenderedOverlay overlay, Path directory) {
        return writeRuleFile(rules(overlay), directory);
    }

    private static Path writeRuleFile(Object groups, Path directory) {
        Path file = directory.resolve("alerts.rules.yaml");
        try {
            YAML.writeValue(file.toFile(), Map.of("groups", groups));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static String promtool(Path directory, String... arguments) {
        List<String> command = Stream.concat(Stream.of("promtool"), Stream.of(arguments)).toList();
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("promtool is needed (Debian package prometheus; .ci/run installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
