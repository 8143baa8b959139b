package io.nais.pg.access.provisioning.pass;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.nais.pg.access.directory.ClusterTarget;
import io.nais.pg.kit.clusters.ClusterAdminConnections;
import io.nais.pg.kit.clusters.ClusterAdminConnections.ClusterAddress;

/**
 * One kept admin session per cluster, with the role SQL installed, so a pass
 * costs a few statements instead of a TLS handshake, a SCRAM exchange and the
 * function installation. Safe without locking per cluster because the scheduler
 * runs one pass per cluster at a time; a session that failed is discarded, and
 * sessions idle longer than {@code idleTimeout} are closed by the sweep.
 */
@ApplicationScoped
public class AdminSessions {

    private record Kept(ClusterAddress address, Connection connection, ClusterRoles roles, long lastUsed) {
    }

    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(2);

    private final ClusterAdminConnections connections;
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();

    AdminSessions(ClusterAdminConnections connections) {
        this.connections = connections;
    }

    /** Work with the cluster's admin session; on an SQLException the session is closed, not kept. */
    <T> T with(ClusterTarget cluster, SqlWork<T> work) throws SQLException {
        ClusterAddress address = new ClusterAddress(cluster.host(), cluster.port(), cluster.database(),
                cluster.adminSecretRef());
        Kept session = kept.remove(cluster.clusterId());
        if (session != null && !(session.address().equals(address) && session.connection().isValid(2))) {
            // moved, or the server restarted since the last pass (a kept session would fail with 57P01)
            close(session);
            session = null;
        }
        if (session == null) {
            Connection connection = connections.open(address);
            try {
                session = new Kept(address, connection, ClusterRoles.on(connection), System.nanoTime());
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
        }
        try {
            T result = work.apply(session.roles());
            kept.put(cluster.clusterId(), new Kept(address, session.connection(), session.roles(), System.nanoTime()));
            return result;
        } catch (SQLException | RuntimeException e) {
            close(session);
            throw e;
        }
    }

    /** Closes the sessions of clusters not worked on for a while. */
    public void closeIdle() {
        long cutoff = System.nanoTime() - IDLE_TIMEOUT.toNanos();
        kept.forEach((clusterId, session) -> {
            if (session.lastUsed() < cutoff && kept.remove(clusterId, session)) {
                close(session);
            }
        });
    }

    /** Drops a cluster's session, e.g. when the cluster was removed. */
    public void forget(String clusterId) {
        Kept session = kept.remove(clusterId);
        if (session != null) {
            close(session);
        }
    }

    @PreDestroy
    void closeAll() {
        kept.keySet().forEach(this::forget);
    }

    private static void close(Kept session) {
        try {
            session.connection().close();
        } catch (SQLException e) {
            // already broken; nothing to keep
        }
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T apply(ClusterRoles roles) throws SQLException;
    }
}
