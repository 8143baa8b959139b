package io.nais.pg.console.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ClusterClaimsTest {

    private static final DesiredCluster FIRST = cluster("orders.team-a.svc");
    private static final DesiredCluster SECOND = cluster("orders-copy.team-a.svc");
    private static final Map<String, ClusterClaims.Holder> FIRST_HOLDS =
            Map.of("team-a/orders", new ClusterClaims.Holder("kubernetes", "orders.team-a.svc", 5432));

    @Test
    void aLoneClaimantGetsTheId() {
        ClusterClaims.Resolution r = ClusterClaims.resolve("kubernetes", Map.of(), Map.of(), List.of(FIRST));
        assertThat(r.accepted()).containsExactly(FIRST);
        assertThat(r.refused()).isEmpty();
    }

    @Test
    void theHolderKeepsTheIdInWhateverOrderTheClaimantsArrive() {
        for (List<DesiredCluster> order : List.of(List.of(FIRST, SECOND), List.of(SECOND, FIRST))) {
            ClusterClaims.Resolution r = ClusterClaims.resolve("kubernetes", FIRST_HOLDS,
                    Map.of("team-a/orders", FIRST), order);
            assertThat(r.accepted()).containsExactly(FIRST);
            assertThat(r.refused()).extracting(RefusedClaim::resource, RefusedClaim::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("orders-copy.team-a.svc",
                            RefusedClaim.ID_TAKEN));
        }
    }

    @Test
    void newClaimantsOfOneIdAllWaitAndNoneIsChosenByOrder() {
        ClusterClaims.Resolution r = ClusterClaims.resolve("kubernetes", Map.of(), Map.of(), List.of(SECOND, FIRST));
        assertThat(r.accepted()).isEmpty();
        assertThat(r.refused()).extracting(RefusedClaim::reason)
                .containsExactly(RefusedClaim.ID_CONTESTED, RefusedClaim.ID_CONTESTED);
    }

    @Test
    void aContestOverAHeldIdWhoseHolderIsGoneKeepsTheLastStateInsteadOfRemovingIt() {
        DesiredCluster third = cluster("orders-third.team-a.svc");
        ClusterClaims.Resolution r = ClusterClaims.resolve("kubernetes", FIRST_HOLDS,
                Map.of("team-a/orders", FIRST), List.of(SECOND, third));
        assertThat(r.accepted()).containsExactly(FIRST);
        assertThat(r.refused()).hasSize(2);
    }

    @Test
    void anIdHeldByAnotherSourceIsRefused() {
        ClusterClaims.Resolution r = ClusterClaims.resolve("file", FIRST_HOLDS, Map.of(), List.of(FIRST));
        assertThat(r.accepted()).isEmpty();
        assertThat(r.refused()).extracting(RefusedClaim::reason).containsExactly(RefusedClaim.OTHER_SOURCE);
    }

    private static DesiredCluster cluster(String host) {
        return new DesiredCluster("team-a", "orders", host, 5432, "orders", "orders_owner", List.of("public"),
                "k8s:team-a/postgres." + host + ".credentials", "15", "Running");
    }
}
