package io.nais.pg.console.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.ClusterRemoved;
import io.nais.pg.events.ClusterUpdated;

class ClusterDiffTest {

    private static final DesiredCluster DEMO = cluster("team-a", "demo", "15");

    @Test
    void newClusterIsDiscovered() {
        List<ClusterChange> changes = ClusterDiff.between(Map.of(), List.of(DEMO));

        assertThat(changes).containsExactly(new ClusterChange.Discovered(DEMO));
        assertThat(changes.get(0).event()).isInstanceOf(ClusterDiscovered.class)
                .extracting(e -> ((ClusterDiscovered) e).clusterId()).isEqualTo("team-a/demo");
    }

    @Test
    void unchangedClusterEmitsNothing() {
        assertThat(ClusterDiff.between(Map.of(DEMO.clusterId(), DEMO), List.of(cluster("team-a", "demo", "15"))))
                .isEmpty();
    }

    @Test
    void anyChangedFieldIsAnUpdate() {
        DesiredCluster upgraded = cluster("team-a", "demo", "16");

        List<ClusterChange> changes = ClusterDiff.between(Map.of(DEMO.clusterId(), DEMO), List.of(upgraded));

        assertThat(changes).containsExactly(new ClusterChange.Updated(upgraded));
        assertThat(((ClusterUpdated) changes.get(0).event()).pgVersion()).isEqualTo("16");
    }

    @Test
    void schemaListChangeIsAnUpdate() {
        DesiredCluster moreSchemas = new DesiredCluster("team-a", "demo", "db.local", 5432, "app", "app",
                List.of("public", "audit"), "file:/tmp/admin.properties", "15", null);

        assertThat(ClusterDiff.between(Map.of(DEMO.clusterId(), DEMO), List.of(moreSchemas)))
                .containsExactly(new ClusterChange.Updated(moreSchemas));
    }

    @Test
    void clusterNoLongerReportedIsRemoved() {
        List<ClusterChange> changes = ClusterDiff.between(Map.of(DEMO.clusterId(), DEMO), List.of());

        assertThat(changes).containsExactly(new ClusterChange.Removed(DEMO));
        assertThat(changes.get(0).event()).isEqualTo(new ClusterRemoved("team-a/demo", "team-a", "demo"));
    }

    @Test
    void discoveriesFollowTheSourceOrderAndRemovalsComeLast() {
        DesiredCluster b = cluster("team-b", "api", "15");
        DesiredCluster c = cluster("team-c", "web", "15");
        DesiredCluster gone = cluster("team-z", "old", "15");

        List<ClusterChange> changes = ClusterDiff.between(Map.of(gone.clusterId(), gone), List.of(c, b));

        assertThat(changes).containsExactly(new ClusterChange.Discovered(c), new ClusterChange.Discovered(b),
                new ClusterChange.Removed(gone));
    }

    @Test
    void clustersFileParsesYamlAndJson() throws IOException {
        String yaml = """
                clusters:
                  - team: team-a
                    app: demo
                    host: db.local
                    port: 5432
                    database: app
                    applicationRole: app
                    schemas: [public]
                    adminSecretRef: file:/tmp/admin.properties
                    pgVersion: "15"
                """;
        String json = """
                {"clusters":[{"team":"team-a","app":"demo","host":"db.local","port":5432,"database":"app",
                 "applicationRole":"app","schemas":["public"],"adminSecretRef":"file:/tmp/admin.properties",
                 "pgVersion":"15"}]}
                """;

        assertThat(ClusterFile.parse(yaml.getBytes(StandardCharsets.UTF_8))).containsExactly(DEMO);
        assertThat(ClusterFile.parse(json.getBytes(StandardCharsets.UTF_8))).containsExactly(DEMO);
    }

    @Test
    void clustersFileWithUnknownFieldIsRejected() {
        String typo = "clusters:\n  - team: team-a\n    app: demo\n    prot: 5432\n";

        assertThatThrownBy(() -> ClusterFile.parse(typo.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("prot");
    }

    static DesiredCluster cluster(String team, String app, String pgVersion) {
        return new DesiredCluster(team, app, "db.local", 5432, "app", "app", List.of("public"),
                "file:/tmp/admin.properties", pgVersion, null);
    }
}
