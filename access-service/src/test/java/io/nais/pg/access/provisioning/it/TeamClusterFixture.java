package io.nais.pg.access.provisioning.it;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;

import io.nais.pg.access.directory.AccessDirectory;
import io.nais.pg.access.provisioning.HumanSessions;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;

/**
 * One team's cluster as the provisioning tests need it: a certificate authority, a real cluster with TLS and the
 * test's {@code pg_hba} lines, its seeded application announced to the service with a ClusterDiscovered on Kafka,
 * and the sessions of its people (TLS client certificates). A test class starts one and keeps it for its tests.
 */
final class TeamClusterFixture {

    static final Duration WAIT = Duration.ofSeconds(30);

    final String team;
    final String clusterId;
    final CertificateAuthority ca;
    final TestEventBus events;
    final PostgresCluster cluster;
    final SeededApplication app;
    final HumanSessions humans;

    private TeamClusterFixture(String team, String appName, CertificateAuthority ca, TestEventBus events,
                               PostgresCluster cluster, SeededApplication app) {
        this.team = team;
        this.clusterId = team + "/" + appName;
        this.ca = ca;
        this.events = events;
        this.cluster = cluster;
        this.app = app;
        this.humans = new HumanSessions(cluster, ca);
    }

    /**
     * Starts the cluster, announces it, and waits until the service knows it.
     *
     * @param access the cluster's TLS and {@code pg_hba} set-up, given the certificate authority
     */
    static TeamClusterFixture start(Infrastructure infra, AccessDirectory directory, String team, String appName,
            BiFunction<PostgresCluster.Builder, CertificateAuthority, PostgresCluster.Builder> access) {
        CertificateAuthority ca = CertificateAuthority.create(team + "-ca", Duration.ofHours(1));
        PostgresCluster cluster = infra.newCluster(team + "-" + appName, b -> access.apply(b, ca));
        TeamClusterFixture fixture = new TeamClusterFixture(team, appName, ca, infra.events(), cluster,
                cluster.seedApplication(appName));
        fixture.publish(fixture.discovered(cluster, fixture.app, appName));
        await().atMost(WAIT).until(() -> directory.cluster(fixture.clusterId).isPresent());
        return fixture;
    }

    /** A ClusterDiscovered for an application of this team, as console-sync announces it. */
    ClusterDiscovered discovered(PostgresCluster pg, SeededApplication seeded, String appName) {
        return new ClusterDiscovered(team + "/" + appName, team, appName, pg.host(), pg.port(), seeded.database(),
                seeded.owner(), List.of("public"), "file:" + pg.adminSecretFile(), "15", "Running");
    }

    <E extends PlatformEvent> void publish(E event) {
        events.publish(Envelope.of("test", event));
    }

    /** A session as {@code email} over its client certificate, once the service has made the role. */
    Connection awaitLogin(String email) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> humans.connect(app.database(), email), c -> c != null);
    }

    /** Whether {@code role} exists on the cluster. */
    boolean roleExists(String role) throws SQLException {
        return aboutRole("SELECT true FROM pg_catalog.pg_roles WHERE rolname = ?", role);
    }

    /** Whether {@code role} exists and the one boolean {@code sql} selects of it (a {@code ?} for its name) is true. */
    boolean aboutRole(String sql, String role) throws SQLException {
        try (Connection admin = cluster.connect(app.database()); var ps = admin.prepareStatement(sql)) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
