package io.nais.pg.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;
import io.nais.pg.testsupport.process.ChildJvm;
import io.nais.pg.testsupport.process.ServiceJvm;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Durable grant deadlines across downtime: the packaged access-service
 * ({@code access-service/target/quarkus-app}, built earlier in the reactor) runs
 * as a process against real Kafka and PostgreSQL, makes a team member DBA superuser, is
 * stopped, the grant's expiresAt passes with no GrantExpired ever published,
 * and the restarted service demotes the role on its own.
 *
 * <p>The DBA's privileges are exercised with {@code SET ROLE} on an admin
 * connection: the privilege check is the role's own, which is what the
 * demotion changes; logins through the gateway are the demo's and
 * DbaGrantSuperuserTest's to prove.
 */
class AccessServiceRestartAcrossGrantExpiryTest {

    private static final Path REPOSITORY = Path.of(System.getProperty("nais.repo.root", "..")).toAbsolutePath().normalize();
    private static final Duration READY = Duration.ofMinutes(2);
    /** Long enough to see the superuser before the stop on a loaded machine; the test waits it out. */
    private static final Duration GRANT = Duration.ofSeconds(30);
    private static final Duration CATCH_UP = Duration.ofSeconds(10);
    private static final String TEAM = "team-restart";
    private static final String APP = "app-r";
    private static final String CLUSTER_ID = TEAM + "/" + APP;

    private static final List<AutoCloseable> STARTED = new ArrayList<>();
    private static KafkaBroker kafka;
    private static PostgresCluster platformDatabase;
    private static PostgresCluster teamCluster;
    private static SeededApplication app;
    private static TestEventBus events;

    /** Under target/, not a temporary directory: the service's log outlives a failed run. */
    private static final Path SERVICE_DIRECTORY = Path.of("target", "access-restart-" + System.currentTimeMillis()).toAbsolutePath();

    @BeforeAll
    static void infrastructure() {
        kafka = track(KafkaBroker.start());
        List<String> topics = new ArrayList<>();
        for (EventTopic topic : EventTopic.values()) {
            topics.add(topic.topicName());
            topics.add(topic.dlqTopicName());
        }
        kafka.createTopics(topics);
        platformDatabase = track(PostgresCluster.builder().name("restart-platform").start());
        teamCluster = track(PostgresCluster.builder().name("restart-team").start());
        app = teamCluster.seedApplication(APP);
        events = track(new TestEventBus(kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopInfrastructure() throws Exception {
        for (int i = STARTED.size() - 1; i >= 0; i--) {
            STARTED.get(i).close();
        }
    }

    @Test
    void grantThatExpiresWhileAccessServiceIsDownIsDemotedRightAfterItStartsAgainWithoutGrantExpired() throws Exception {
        Map<String, String> settings = settings();
        String dba = "dba-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        Instant expiresAt;

        try (ServiceJvm ignored = startAccessService(settings)) {
            publish(new ClusterDiscovered(CLUSTER_ID, TEAM, APP, teamCluster.host(), teamCluster.port(), app.database(),
                    app.owner(), List.of("public"), "file:" + teamCluster.adminSecretFile(), "15", "Running"));
            // a member DBA: at the end the role stays, NOSUPERUSER (a non-member's role is removed instead)
            publish(new TeamMemberAdded(TEAM, dba));
            awaitTrue(() -> roleExists(dba), READY, "the member's role exists");
            Instant now = Instant.now();
            expiresAt = now.plus(GRANT);
            publish(new DbaAccessGranted(UUID.randomUUID(), CLUSTER_ID, TEAM, dba, "lead@example.com", now, expiresAt));
            awaitTrue(() -> isSuperuser(dba), READY, "the DBA's role became SUPERUSER");
            assertThat(ddlAs(dba, "before_restart")).as("DDL as the DBA while the grant is active").isNull();
        }
        assertThat(Instant.now()).as("access-service stopped before expiresAt").isBefore(expiresAt);
        sleepUntil(expiresAt.plusSeconds(2));
        assertThat(isSuperuser(dba)).as("nothing demoted the role while access-service was down").isTrue();

        try (ServiceJvm ignored = startAccessService(settings)) {
            awaitTrue(() -> Boolean.FALSE.equals(rolsuper(dba)), CATCH_UP, "the restarted service demoted the DBA to NOSUPERUSER");
            assertThat(ddlAs(dba, "after_restart")).as("DDL as the DBA after the expiry").isEqualTo("42501");
        }
        assertThat(events.findNow(EventTopic.DBA_GRANTS, e -> e.data() instanceof GrantExpired))
                .as("no GrantExpired was published by this test").isEmpty();
    }

    private static Map<String, String> settings() {
        Map<String, String> config = new LinkedHashMap<>(LocalServiceConfig.accessDatabase(
                new PlatformUp.Infrastructure(kafka, null, null, platformDatabase)));
        // provisioning and grant deadlines: the provisioning process, as the local platform runs it
        config.putAll(LocalServiceConfig.accessProvisioning());
        return config;
    }

    /** Returns once the service is ready: the catch-up is timed from there. */
    private static ServiceJvm startAccessService(Map<String, String> settings) {
        return ServiceJvm.of("access-service", ServiceJvm.packagedApp(REPOSITORY, "access-service"))
                .directory(SERVICE_DIRECTORY).config(settings).start().awaitReady(READY);
    }

    private static void publish(PlatformEvent event) {
        events.publish(Envelope.of("test", event));
    }

    /** CREATE TABLE with the DBA's own privileges; returns the SQLSTATE of the refusal, or null when it ran. */
    private static String ddlAs(String role, String table) throws SQLException {
        try (Connection admin = teamCluster.connect(app.database()); Statement statement = admin.createStatement()) {
            statement.execute("SET ROLE \"" + role.replace("\"", "\"\"") + "\"");
            try {
                statement.execute("CREATE TABLE public.\"" + table + "\" (id int)");
                return null;
            } catch (SQLException refused) {
                return refused.getSQLState();
            }
        }
    }

    private static boolean isSuperuser(String role) {
        return Boolean.TRUE.equals(rolsuper(role));
    }

    private static boolean roleExists(String role) {
        return rolsuper(role) != null;
    }

    /** The role's rolsuper, or null when there is no such role. */
    private static Boolean rolsuper(String role) {
        try (Connection admin = teamCluster.connect(app.database());
             var query = admin.prepareStatement("SELECT rolsuper FROM pg_roles WHERE rolname = ?")) {
            query.setString(1, role);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getBoolean(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting until " + what + "; log tail:\n"
                        + ChildJvm.LogTail.of(SERVICE_DIRECTORY.resolve("access-service.log"), 60));
            }
            Thread.sleep(100);
        }
    }

    private static void sleepUntil(Instant moment) throws InterruptedException {
        long millis = Duration.between(Instant.now(), moment).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static <T extends AutoCloseable> T track(T component) {
        STARTED.add(component);
        return component;
    }
}
