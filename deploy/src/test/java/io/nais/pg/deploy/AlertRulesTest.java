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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PrometheusRule (deploy/base/alerts.yaml), as each overlay renders it, is valid for Prometheus
 * ({@code promtool check rules}), its alerts fire when and only when they should ({@code promtool test rules}
 * with src/test/resources/alerts-test.yaml), and every meter it reads is one a service registers.
 */
class AlertRulesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern METRIC = Pattern.compile("\\bnais_[a-z_]+");

    static Stream<RenderedOverlay> overlays() {
        return KustomizeOverlaysTest.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void promtoolAcceptsTheRules(RenderedOverlay overlay, @TempDir Path directory) {
        Path rules = writeRuleFile(overlay, directory);
        assertThat(promtool(directory, "check", "rules", rules.getFileName().toString())).contains("SUCCESS");
    }

    @Test
    void theAlertsFireWhenTheyShouldAndOnlyThen(@TempDir Path directory) throws IOException {
        writeRuleFile(RenderedOverlay.render("prod"), directory);
        Files.copy(Repository.DEPLOY.resolve("src/test/resources/alerts-test.yaml"), directory.resolve("alerts-test.yaml"));
        assertThat(promtool(directory, "test", "rules", "alerts-test.yaml")).contains("SUCCESS");
    }

    /** An alert on a meter nobody registers never fires: each nais_* name must be built in a service's code. */
    @Test
    void everyMeterTheAlertsReadIsRegisteredByAService() throws IOException {
        Set<String> metrics = new TreeSet<>();
        Matcher matcher = METRIC.matcher(rules(RenderedOverlay.render("prod")).toString());
        while (matcher.find()) {
            metrics.add(matcher.group());
        }
        String sources = mainSources();
        assertThat(metrics).isNotEmpty().allSatisfy(metric -> assertThat(sources)
                .as("a meter named %s", meterName(metric)).contains('"' + meterName(metric) + '"'));
    }

    /** Micrometer's name for a Prometheus series: dots for underscores, counters without {@code _total}. */
    private static String meterName(String metric) {
        return metric.replaceFirst("_total$", "").replace('_', '.');
    }

    private static String mainSources() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String module : List.of("service-kit", "access-service", "dba-grant-service", "backup-service", "console-sync-service")) {
            try (Stream<Path> files = Files.walk(Repository.ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    all.append(Files.readString(file));
                }
            }
        }
        return all.toString();
    }

    @SuppressWarnings("unchecked")
    private static Object rules(RenderedOverlay overlay) {
        GenericKubernetesResource rule = overlay.custom("PrometheusRule").stream()
                .filter(r -> r.getMetadata().getName().equals("nais-pg-alerts")).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no PrometheusRule nais-pg-alerts"));
        return ((Map<String, Object>) rule.getAdditionalProperties().get("spec")).get("groups");
    }

    /** The rule's groups as a Prometheus rule file, the form promtool reads. */
    private static Path writeRuleFile(RenderedOverlay overlay, Path directory) {
        Path file = directory.resolve("alerts.rules.yaml");
        try {
            YAML.writeValue(file.toFile(), Map.of("groups", rules(overlay)));
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
