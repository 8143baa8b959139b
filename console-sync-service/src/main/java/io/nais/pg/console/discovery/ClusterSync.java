package io.nais.pg.console.discovery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.nais.pg.events.Envelope;
import io.nais.pg.kit.logging.LogContext;
import io.nais.pg.kit.outbox.Outbox;

/**
 * Converges the clusters topic to what a source reports: desired clusters →
 * diff against the projection → projection updated and events queued in the
 * outbox, in one transaction. Any source (file, Kubernetes) calls
 * {@link #sync} with its full current view.
 */
@ApplicationScoped
public class ClusterSync {

    private static final Logger LOG = Logger.getLogger(ClusterSync.class);

    private final DataSource dataSource;
    private final DiscoveredClusters projection;
    private final ClusterRefusals refusals;
    private final Outbox outbox;
    private final String producer;

    ClusterSync(DataSource dataSource, DiscoveredClusters projection, ClusterRefusals refusals, Outbox outbox,
                @ConfigProperty(name = "quarkus.application.name") String producer) {
        this.dataSource = dataSource;
        this.projection = projection;
        this.refusals = refusals;
        this.outbox = outbox;
        this.producer = producer;
    }

    /** {@link #sync(String, Collection, List)} for a source that refuses nothing itself. */
    @Transactional
    public List<ClusterChange> sync(String source, Collection<DesiredCluster> desired) {
        return sync(source, desired, List.of());
    }

    /**
     * @param source  the source's name, e.g. {@code file}; each source owns the clusters it reported
     * @param desired every cluster the source reports now
     * @param refused what the source itself refused (e.g. a resource naming another team)
     * @return the changes emitted; empty when nothing changed
     */
    @Transactional
    public List<ClusterChange> sync(String source, Collection<DesiredCluster> desired, List<RefusedClaim> refused) {
        try {
            lockSource(source);
            Map<String, DesiredCluster> known = projection.load(source);
            ClusterClaims.Resolution claims = ClusterClaims.resolve(source, projection.holders(), known, desired);
            report(source, refused, claims.refused());
            List<ClusterChange> changes = ClusterDiff.between(known, claims.accepted());
            projection.apply(source, changes);
            changes.forEach(this::emit);
            return changes;
        } catch (SQLException e) {
            throw new IllegalStateException("could not sync clusters from source " + source, e);
        }
    }

    /** Every refusal is on the console at once; each is logged when it first appears. */
    private void report(String source, List<RefusedClaim> bySource, List<RefusedClaim> byClaims) throws SQLException {
        List<RefusedClaim> all = new ArrayList<>(bySource);
        all.addAll(byClaims);
        for (RefusedClaim claim : refusals.replace(source, all)) {
            try (var log = LogContext.open().team(claim.team()).cluster(claim.clusterId())) {
                LOG.warnf("refused %s's claim of cluster id %s (%s): %s", claim.resource(), claim.clusterId(),
                        claim.reason(), claim.detail());
            }
        }
    }

    /** Replicas polling the same source serialise here, so a change is emitted once. */
    private void lockSource(String source) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            lock.setString(1, "nais.console.discovery:" + source);
            lock.execute();
        }
    }

    private void emit(ClusterChange change) {
        Envelope<?> envelope = Envelope.of(producer, change.event());
        try (var log = LogContext.forEvent(envelope).team(change.cluster().team()).cluster(change.cluster().clusterId())) {
            outbox.publish(envelope);
            LOG.infof("emitting %s", envelope.type());
        }
    }
}
