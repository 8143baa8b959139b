package io.nais.pg.console.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.ClusterRemoved;
import io.nais.pg.events.ClusterUpdated;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventTopic;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The running service polls {@code nais.console.discovery.file} (test profile:
 * target/discovery-test/clusters.yaml, every second) and emits through the
 * outbox to the real clusters topic.
 */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class FileClusterSourceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    DiscoveryConfig config;

    @Inject
    ClusterSync sync;

    private TestEventBus events;

    @BeforeEach
    void openBus() {
        events = infra.events();
    }

    @AfterEach
    void closeBus() {
        events.close();
    }

    @Test
    void clusterWrittenToTheFileIsDiscoveredOnce() throws IOException {
        DesiredCluster demo = cluster("demo", "15");
        writeClusters(demo);
        events.await(ClusterDiscovered.class, e -> e.clusterId().equals(demo.clusterId()), WAIT);

        // a later change of the file is polled after the first one, so any repeat would be on the topic by then
        DesiredCluster marker = cluster("marker", "15");
        writeClusters(demo, marker);
        events.await(ClusterDiscovered.class, e -> e.clusterId().equals(marker.clusterId()), WAIT);

        assertThat(eventsFor(demo)).containsExactly("ClusterDiscovered");
        Envelope<?> discovered = events.findNow(EventTopic.CLUSTERS, e -> e.key().equals(demo.clusterId())).orElseThrow();
        assertThat(discovered.data()).isEqualTo(new ClusterChange.Discovered(demo).event());
    }

    @Test
    void changedFieldIsEmittedAsClusterUpdated() throws IOException {
        DesiredCluster demo = cluster("upgraded", "15");
        writeClusters(demo);
        events.await(ClusterDiscovered.class, e -> e.clusterId().equals(demo.clusterId()), WAIT);

        writeClusters(cluster(demo.app(), demo.team(), "16"));

        Envelope<ClusterUpdated> updated =
                events.await(ClusterUpdated.class, e -> e.clusterId().equals(demo.clusterId()), WAIT);
        assertThat(updated.data().pgVersion()).isEqualTo("16");
    }

    @Test
    void clusterRemovedFromTheFileIsEmittedAsClusterRemoved() throws IOException {
        DesiredCluster demo = cluster("removed", "15");
        writeClusters(demo);
        events.await(ClusterDiscovered.class, e -> e.clusterId().equals(demo.clusterId()), WAIT);

        writeClusters();

        Envelope<ClusterRemoved> removed =
                events.await(ClusterRemoved.class, e -> e.clusterId().equals(demo.clusterId()), WAIT);
        assertThat(removed.data().team()).isEqualTo(demo.team());
    }

    @Test
    void restartReadingTheSameFileEmitsNothing() throws IOException {
        DesiredCluster demo = cluster("restarted", "15");
        writeClusters(demo);
        events.await(ClusterDiscovered.class, e -> e.clusterId().equals(demo.clusterId()), WAIT);

        // a fresh source has no memory of the file, exactly as after a restart
        new FileClusterSource(config, sync).poll();
        List<ClusterChange> again = sync.sync(FileClusterSource.SOURCE, ClusterFile.parse(Files.readAllBytes(file())));

        assertThat(again).isEmpty();
        DesiredCluster marker = cluster("after-restart", "15");
        writeClusters(demo, marker);
        events.await(ClusterDiscovered.class, e -> e.clusterId().equals(marker.clusterId()), WAIT);
        assertThat(eventsFor(demo)).containsExactly("ClusterDiscovered");
    }

    private List<String> eventsFor(DesiredCluster cluster) {
        return events.readAll(EventTopic.CLUSTERS).stream().filter(e -> e.key().equals(cluster.clusterId()))
                .map(e -> e.data().getClass().getSimpleName()).collect(Collectors.toList());
    }

    private Path file() {
        return config.file().orElseThrow();
    }

    /** Replaces the file atomically, as an editor or a config map update does. */
    private void writeClusters(DesiredCluster... clusters) throws IOException {
        StringBuilder yaml = new StringBuilder("clusters:\n");
        for (DesiredCluster c : clusters) {
            yaml.append("  - team: ").append(c.team()).append('\n')
                    .append("    app: ").append(c.app()).append('\n')
                    .append("    host: ").append(c.host()).append('\n')
                    .append("    port: ").append(c.port()).append('\n')
                    .append("    database: ").append(c.database()).append('\n')
                    .append("    applicationRole: ").append(c.applicationRole()).append('\n')
                    .append("    schemas: ").append(c.schemas()).append('\n')
                    .append("    adminSecretRef: ").append(c.adminSecretRef()).append('\n')
                    .append("    pgVersion: \"").append(c.pgVersion()).append("\"\n");
        }
        Files.createDirectories(file().getParent());
        Path next = file().resolveSibling("clusters.yaml.next");
        Files.writeString(next, yaml, StandardCharsets.UTF_8);
        Files.move(next, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static DesiredCluster cluster(String app, String pgVersion) {
        return cluster(app, "team-" + UUID.randomUUID().toString().substring(0, 8), pgVersion);
    }

    private static DesiredCluster cluster(String app, String team, String pgVersion) {
        return new DesiredCluster(team, app, "127.0.0.1", 5432, "app", "app", List.of("public"),
                "file:/tmp/" + team + "-admin.properties", pgVersion, null);
    }
}
