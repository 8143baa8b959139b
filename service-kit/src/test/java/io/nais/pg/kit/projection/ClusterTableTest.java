package io.nais.pg.kit.projection;

import static io.nais.pg.kit.projection.ClusterTable.Fact.HOST;
import static io.nais.pg.kit.projection.ClusterTable.Fact.SCHEMAS;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.ClusterUpdated;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true)
class ClusterTableTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    private static final UUID LOW = new UUID(0, 1);
    private static final UUID HIGH = new UUID(0, 2);

    @Inject
    DataSource dataSource;

    private ClusterTable clusters;
    private String team;
    private String clusterId;

    @BeforeEach
    void freshCluster() {
        clusters = new ClusterTable(dataSource, "kit_cluster", List.of(HOST, SCHEMAS));
        team = "team-" + UUID.randomUUID().toString().substring(0, 8);
        clusterId = team + "/app";
    }

    @Test
    void aNewerUpdateWinsAndALateOlderOneChangesNothing() {
        assertThat(clusters.present(discovered("a.example"), T0, LOW)).isTrue();
        assertThat(clusters.present(updated("b.example"), T0.plusSeconds(2), LOW)).isTrue();
        assertThat(clusters.present(updated("c.example"), T0.plusSeconds(1), HIGH)).isFalse();

        assertThat(hostOfLive()).containsExactly("b.example");
    }

    @Test
    void theEventIdBreaksATieOfEnvelopeTimesAndAReplayChangesNothing() {
        assertThat(clusters.present(updated("high.example"), T0, HIGH)).isTrue();
        assertThat(clusters.present(updated("low.example"), T0, LOW)).isFalse();
        assertThat(clusters.present(updated("high.example"), T0, HIGH)).isFalse();

        assertThat(hostOfLive()).containsExactly("high.example");
    }

    @Test
    void aRemovalLeavesATombstoneThatALateOlderUpdateCannotUndo() {
        clusters.present(discovered("a.example"), T0, LOW);

        assertThat(clusters.removed(clusterId, T0.plusSeconds(2), LOW)).isTrue();
        assertThat(clusters.removed(clusterId, T0.plusSeconds(3), LOW)).as("already removed").isFalse();
        assertThat(clusters.present(updated("b.example"), T0.plusSeconds(1), LOW)).isFalse();
        assertThat(hostOfLive()).isEmpty();

        assertThat(clusters.present(updated("c.example"), T0.plusSeconds(4), LOW)).as("a newer update").isTrue();
        assertThat(hostOfLive()).containsExactly("c.example");
    }

    @Test
    void aRemovalOfAClusterNeverSeenLeavesNoRow() {
        assertThat(clusters.removed(clusterId, T0, LOW)).isFalse();
        assertThat(clusters.live("cluster_id", clusterId, List.of("cluster_id"), row -> row.getString("cluster_id"))).isEmpty();
    }

    @Test
    void theServicesOwnColumnsAreLeftAlone() {
        clusters.present(discovered("a.example"), T0, LOW);
        Instant firstSeen = firstSeenAt();

        clusters.present(updated("b.example"), T0.plusSeconds(1), LOW);

        assertThat(firstSeenAt()).isEqualTo(firstSeen);
        assertThat(clusters.live("team", team, List.of("schemas"), row -> List.of((String[]) row.getArray("schemas").getArray())))
                .containsExactly(List.of("public", "app"));
    }

    private List<String> hostOfLive() {
        return clusters.live("cluster_id", clusterId, List.of("host"), row -> row.getString("host"));
    }

    private Instant firstSeenAt() {
        return clusters.live("cluster_id", clusterId, List.of("first_seen_at"), row -> row.getTimestamp("first_seen_at").toInstant()).get(0);
    }

    private ClusterDiscovered discovered(String host) {
        return new ClusterDiscovered(clusterId, team, "app", host, 5432, "app", "app", List.of("public", "app"),
                "file:/secret", "16", null);
    }

    private ClusterUpdated updated(String host) {
        return new ClusterUpdated(clusterId, team, "app", host, 5432, "app", "app", List.of("public", "app"),
                "file:/secret", "16", null);
    }
}
