package io.nais.pg.dbagrant.projection;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.nais.pg.events.ClusterState;
import io.nais.pg.kit.membership.MembershipProjection;
import io.nais.pg.kit.projection.ClusterTable;

/**
 * The service's own projection of cluster ownership: which team owns which
 * cluster, in {@code cluster_team}, service-kit's {@link ClusterTable} keeping
 * no fact beyond the team (newest event wins, so a late or replayed event
 * changes nothing). Team membership is the kit's {@link MembershipProjection}
 * over this service's {@code team_member} table (produced here, as a bean of
 * its own).
 */
@ApplicationScoped
public class TeamDirectory {

    private final ClusterTable clusters;

    TeamDirectory(DataSource dataSource) {
        this.clusters = new ClusterTable(dataSource, "cluster_team", List.of());
    }

    @Produces
    @Singleton
    static MembershipProjection members(DataSource dataSource) {
        return new MembershipProjection(dataSource, "team_member");
    }

    /** The team that owns a known, not removed cluster. */
    public Optional<String> teamOf(String clusterId) {
        return clusters.live("cluster_id", clusterId, List.of("team"), row -> row.getString("team")).stream().findFirst();
    }

    public void clusterPresent(ClusterState cluster, Instant eventTime, UUID eventId) {
        clusters.present(cluster, eventTime, eventId);
    }

    public void clusterRemoved(String clusterId, Instant eventTime, UUID eventId) {
        clusters.removed(clusterId, eventTime, eventId);
    }
}
