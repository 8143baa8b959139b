package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.nais.pg.testsupport.metrics.MetricCatalogue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the alerts and the dashboard read, as each overlay renders them: only metric families the catalogue
 * (docs/operations.md, "Metrics") lists, which each service's scrape test proves it exports after real work;
 * so an alert or a panel cannot silently read a metric nobody exports. Every alert carries a runbook line
 * that leads into docs/runbook.md, and the operator's questions each have their alert.
 */
class MonitoringQueriesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A metric name in PromQL: not a label value (quoted), not part of a recorded rule's {@code a:b:c} name. */
    private static final Pattern METRIC = Pattern.compile("(?<![:\\w\"-])((?:nais|kafka)_[a-z0-9_]+)(?![:\\w])");
    private static final Pattern RUNBOOK_LINK = Pattern.compile("docs/runbook\\.md#([a-z0-9-]+)");
    /** Histogram samples besides the family's name. */
    private static final List<String> SAMPLE_SUFFIXES = List.of("_bucket", "_count", "_sum");
    /** The operator's questions of issue 23, each with its alert. */
    private static final List<String> REQUIRED_ALERTS = List.of("NaisPgBackupOverdue", "NaisPgRestoreVerificationFailed",
            "NaisPgProvisioningFailing", "NaisPgDeadLetters", "NaisPgOutboxBacklog", "NaisPgGatewayLoginFailureRatio",
            "NaisPgGrantExpiryLate");

    static Stream<RenderedOverlay> overlays() {
        return KustomizeOverlaysTest.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void alertsAndDashboardReadOnlyCataloguedFamilies(RenderedOverlay overlay) throws IOException {
        Set<String> catalogued = MetricCatalogue.families().stream().map(MetricCatalogue.Family::name)
                .collect(Collectors.toSet());
        List<String> queries = new ArrayList<>(alerts(overlay).stream().map(rule -> (String) rule.get("expr")).toList());
        List<String> panelQueries = dashboardQueries(overlay);
        assertThat(panelQueries).as("the dashboard's queries").isNotEmpty();
        queries.addAll(panelQueries);

        Set<String> read = new TreeSet<>();
        for (String query : queries) {
            Matcher m = METRIC.matcher(query);
            while (m.find()) {
                read.add(m.group(1));
            }
        }
        assertThat(read).isNotEmpty().allSatisfy(metric -> assertThat(family(metric, catalogued))
                .as("%s is a family of %s", metric, MetricCatalogue.DOCUMENT).isNotNull());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyAlertHasARunbookLineLeadingIntoTheRunbook(RenderedOverlay overlay) {
        Set<String> anchors = anchors(Repository.read(Repository.ROOT.resolve("docs/runbook.md")));
        List<Map<String, Object>> alerts = alerts(overlay).stream().filter(rule -> rule.containsKey("alert")).toList();
        assertThat(alerts).extracting(rule -> (String) rule.get("alert")).containsAll(REQUIRED_ALERTS);
        assertThat(alerts).allSatisfy(rule -> {
            Object annotations = rule.get("annotations");
            String runbook = annotations instanceof Map<?, ?> map ? (String) map.get("runbook") : null;
            assertThat(runbook).as("runbook of %s", rule.get("alert")).isNotBlank();
            Matcher link = RUNBOOK_LINK.matcher(runbook);
            assertThat(link.find()).as("%s links docs/runbook.md#<section>", rule.get("alert")).isTrue();
            assertThat(anchors).as("sections of docs/runbook.md").contains(link.group(1));
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theDashboardIsAConfigMapGrafanasSidecarLoads(RenderedOverlay overlay) throws IOException {
        ConfigMap dashboard = overlay.configMap("nais-pg-dashboard");
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        JsonNode json = JSON.readTree(dashboard.getData().get("nais-pg.json"));
        assertThat(json.path("uid").asText()).isEqualTo("nais-pg-operator");
        assertThat(json.path("panels")).isNotEmpty();
    }

    /** The family a sample name belongs to (a histogram's {@code _bucket} is its family's), or null. */
    private static String family(String metric, Set<String> catalogued) {
        if (catalogued.contains(metric)) {
            return metric;
        }
        return SAMPLE_SUFFIXES.stream().filter(metric::endsWith)
                .map(suffix -> metric.substring(0, metric.length() - suffix.length()))
                .filter(catalogued::contains).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> alerts(RenderedOverlay overlay) {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) AlertRulesTest.rules(overlay)) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }

    private static List<String> dashboardQueries(RenderedOverlay overlay) throws IOException {
        JsonNode dashboard = JSON.readTree(overlay.configMap("nais-pg-dashboard").getData().get("nais-pg.json"));
        List<String> queries = new ArrayList<>();
        dashboard.findValues("expr").forEach(expr -> queries.add(expr.asText()));
        dashboard.path("templating").path("list").forEach(variable -> {
            if (variable.path("query").has("query")) {
                queries.add(variable.path("query").path("query").asText());
            }
        });
        return queries;
    }

    /** GitHub's anchors of the document's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> anchors(String markdown) {
        return markdown.lines().filter(line -> line.startsWith("#"))
                .map(line -> line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9 -]", "").trim().replace(' ', '-'))
                .collect(Collectors.toSet());
    }
}
