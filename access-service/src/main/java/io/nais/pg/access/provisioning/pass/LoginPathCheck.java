package io.nais.pg.access.provisioning.pass;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nais.pg.access.directory.ClusterTarget;
import io.nais.pg.access.provisioning.model.LoginPaths;
import io.nais.pg.events.ClusterAccessConformanceChanged;
import io.nais.pg.events.Envelope;
import io.nais.pg.kit.outbox.Outbox;

/**
 * Checks how people can log in to a cluster ({@link LoginPaths} over its {@code pg_hba_file_rules}) and
 * announces the verdict when it differs from the last one announced (table {@code cluster_login_paths}),
 * so a cluster that would let a person in around the gateway is reported once, and again when it is fixed.
 */
@ApplicationScoped
class LoginPathCheck {

    private static final Logger LOG = Logger.getLogger(LoginPathCheck.class);

    private final DataSource dataSource;
    private final Outbox outbox;

    LoginPathCheck(DataSource dataSource, Outbox outbox) {
        this.dataSource = dataSource;
        this.outbox = outbox;
    }

    /** In the pass's transaction, on the cluster's admin session. */
    void check(ClusterTarget cluster, ClusterChecks checks) throws SQLException {
        List<String> findings = LoginPaths.findings(checks.hbaRules());
        if (lastReported(cluster.clusterId()).filter(findings::equals).isPresent()) {
            return;
        }
        if (!findings.isEmpty()) {
            LOG.warnf("people could log in around the gateway: %s", findings);
        }
        record(cluster.clusterId(), findings);
        outbox.publish(Envelope.of(ClusterProvisioner.PRODUCER, new ClusterAccessConformanceChanged(
                cluster.clusterId(), cluster.team(), findings.isEmpty(), findings)));
    }

    private Optional<List<String>> lastReported(String clusterId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT findings FROM cluster_login_paths WHERE cluster_id = ?")) {
            ps.setString(1, clusterId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Arrays.asList((String[]) rs.getArray(1).getArray())) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the login paths of " + clusterId, e);
        }
    }

    private void record(String clusterId, List<String> findings) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO cluster_login_paths (cluster_id, findings, checked_at) VALUES (?, ?, now())
                ON CONFLICT (cluster_id) DO UPDATE SET findings = excluded.findings, checked_at = now()
                """)) {
            ps.setString(1, clusterId);
            ps.setArray(2, c.createArrayOf("text", findings.toArray()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record the login paths of " + clusterId, e);
        }
    }
}
