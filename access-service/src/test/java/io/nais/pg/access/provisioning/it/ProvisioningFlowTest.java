package io.nais.pg.access.provisioning.it;

import static io.nais.pg.access.provisioning.HumanSessions.sqlStateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.nais.pg.access.directory.AccessDirectory;
import io.nais.pg.access.provisioning.HumanSessions;
import io.nais.pg.events.AccessRevoked;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.ClusterRemoved;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;
import io.nais.pg.events.EventMetadata;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.HumanRoleRefused;
import io.nais.pg.events.HumanRoleRemoved;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.events.Topics;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.nais.pg.access.ProvisioningMode;

/**
 * The whole provisioning path with real Kafka, the service's real database, real
 * team clusters and real logins (pgjdbc, TLS client certificates).
 */
@QuarkusTest
@TestProfile(ProvisioningMode.class)
@RealInfrastructure(kafka = true, postgres = true)
class ProvisioningFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TEAM_A = "team-a";
    private static final String TEAM_B = "team-b";

    private static CertificateAuthority ca;
    private static PostgresCluster clusterA;
    private static PostgresCluster clusterB;
    private static SeededApplication appA;
    private static SeededApplication appB;
    private static HumanSessions humansA;
    private static HumanSessions humansB;
    private static TestEventBus events;

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    AccessDirectory directory;


    @Inject
    MeterRegistry meters;

    @BeforeEach
    void clustersOfTwoTeams() {
        if (clusterA != null) {
            return;
        }
        ca = CertificateAuthority.create("flow-ca", Duration.ofHours(1));
        events = infra.events();
        clusterA = infra.newCluster("team-a-app", b -> HumanSessions.withCertificateLogins(b, ca));
        clusterB = infra.newCluster("team-b-app", b -> HumanSessions.withCertificateLogins(b, ca));
        appA = clusterA.seedApplication("app-a");
        appB = clusterB.seedApplication("app-b");
        humansA = new HumanSessions(clusterA, ca);
        humansB = new HumanSessions(clusterB, ca);
        publish(discovered(clusterA, appA, TEAM_A, "app-a"));
        publish(discovered(clusterB, appB, TEAM_B, "app-b"));
        await().atMost(WAIT).until(() -> directory.cluster(TEAM_B + "/app-b").isPresent()
                && roleExists(clusterA, appA, "nais_human") && roleExists(clusterB, appB, "nais_human"));
    }

    @Test
    void addedMemberCanLogInAndIsAnnouncedOnce() throws Exception {
        String email = "ada@example.com";
        Envelope<TeamMemberAdded> added = publish(new TeamMemberAdded(TEAM_A, email));
        awaitLogin(humansA, appA, email);
        events.await(HumanRoleProvisioned.class, e -> e.email().equals(email), WAIT);

        events.publish(added); // the same event again
        publish(new TeamMemberAdded(TEAM_A, email)); // the same fact again, as a new event
        barrierOn(TEAM_A, "barrier-1@example.com");

        assertThat(provisionedEventsFor(email)).isEqualTo(1);
        assertThat(directory.isMember(TEAM_A, email)).isTrue();
    }

    @Test
    void memberOfAnotherTeamNeverGetsARole() throws Exception {
        String email = "bob@team-b.example.com";
        publish(new TeamMemberAdded(TEAM_B, email));
        awaitLogin(humansB, appB, email);
        assertThat(roleExists(clusterA, appA, email)).isFalse();
        assertThatThrownBy(() -> humansA.connect(appA.database(), email))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
        assertThat(directory.isMember(TEAM_A, email)).isFalse();
    }

    @Test
    void removedMemberLosesTheOpenSessionAndCannotLogInAgain() throws Exception {
        String email = "leaver+db@example.com";
        publish(new TeamMemberAdded(TEAM_A, email));
        awaitLogin(humansA, appA, email);
        try (Connection open = humansA.connect(appA.database(), email)) {
            publish(new TeamMemberRemoved(TEAM_A, email));
            await().atMost(WAIT).until(() -> sqlStateOf(open, "SELECT 1") != null);
            assertThat(sqlStateOf(open, "SELECT 1")).isIn("57P01", "08006", "08003");
        }
        assertThatThrownBy(() -> humansA.connect(appA.database(), email))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
        Envelope<HumanRoleRemoved> removed = events.await(HumanRoleRemoved.class,
                e -> e.email().equals(email), WAIT);
        assertThat(removed.data().outcome()).isEqualTo(HumanRoleRemoved.Outcome.DROPPED);
        AccessRevoked revoked = new AccessRevoked(TEAM_A + "/app-a", email, "member-removed");
        events.await(AccessRevoked.class, revoked::equals, WAIT);
        assertThat(directory.isMember(TEAM_A, email)).isFalse();
    }

    @Test
    void removalWithDependentObjectsDeactivatesAndSaysWhy() throws Exception {
        String email = "granted@example.com";
        publish(new TeamMemberAdded(TEAM_A, email));
        awaitLogin(humansA, appA, email);
        clusterA.execute(appA.database(), "GRANT SELECT ON public.orders TO \"" + email + "\"");
        publish(new TeamMemberRemoved(TEAM_A, email));
        Envelope<HumanRoleRemoved> removed = events.await(HumanRoleRemoved.class,
                e -> e.email().equals(email), WAIT);
        assertThat(removed.data().outcome()).isEqualTo(HumanRoleRemoved.Outcome.DEACTIVATED);
        assertThat(removed.data().detail()).contains("orders");
        assertThatThrownBy(() -> humansA.connect(appA.database(), email))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
    }

    @Test
    void aRemovalOlderThanTheReAddIsIgnored() throws Exception {
        String email = "returning@example.com";
        Instant now = Instant.now();
        publish(new TeamMemberAdded(TEAM_A, email), now.minusSeconds(20));
        publish(new TeamMemberRemoved(TEAM_A, email), now.minusSeconds(10));
        publish(new TeamMemberAdded(TEAM_A, email), now);
        publish(new TeamMemberRemoved(TEAM_A, email), now.minusSeconds(5)); // late, older than the re-add
        barrierOn(TEAM_A, "barrier-2@example.com");
        assertThat(directory.isMember(TEAM_A, email)).isTrue();
        awaitLogin(humansA, appA, email);
    }

    @Test
    void addedThenRemovedInOneBatchEndsWithoutARole() throws Exception {
        String email = "fleeting@example.com";
        Instant now = Instant.now();
        publishTogether(Topics.TEAM_MEMBERSHIP, TEAM_A, encoded(new TeamMemberAdded(TEAM_A, email), now.minusMillis(2)),
                encoded(new TeamMemberRemoved(TEAM_A, email), now.minusMillis(1)));
        barrierOn(TEAM_A, "barrier-3@example.com");
        await().atMost(WAIT).until(() -> !roleExists(clusterA, appA, email));
        assertThat(directory.isMember(TEAM_A, email)).isFalse();
    }

    @Test
    void oneBatchWithDuplicatesAndARemovedThenReAddedPersonConvergesAndAReplayChangesNothing() throws Exception {
        String returning = "batch-returning@example.com";
        String steady = "batch-steady@example.com";
        Instant now = Instant.now();
        byte[] reAdded = encoded(new TeamMemberAdded(TEAM_A, returning), now.minusMillis(10));
        byte[] steadyAdded = encoded(new TeamMemberAdded(TEAM_A, steady), now.minusMillis(10));
        byte[][] batch = {
                encoded(new TeamMemberAdded(TEAM_A, returning), now.minusMillis(30)),
                encoded(new TeamMemberRemoved(TEAM_A, returning), now.minusMillis(20)),
                reAdded,
                steadyAdded,
                reAdded, // the same event twice in one batch
                steadyAdded,
                encoded(new TeamMemberRemoved(TEAM_A, returning), now.minusMillis(40)), // late: older than the re-add
        };
        publishTogether(Topics.TEAM_MEMBERSHIP, TEAM_A, batch);
        barrierOn(TEAM_A, "barrier-4@example.com");

        awaitLogin(humansA, appA, returning);
        awaitLogin(humansA, appA, steady);
        assertThat(directory.isMember(TEAM_A, returning)).isTrue();
        assertThat(provisionedEventsFor(returning)).isEqualTo(1);
        assertThat(provisionedEventsFor(steady)).isEqualTo(1);

        publishTogether(Topics.TEAM_MEMBERSHIP, TEAM_A, batch); // a replay of the whole batch
        barrierOn(TEAM_A, "barrier-5@example.com");

        assertThat(directory.isMember(TEAM_A, returning)).isTrue();
        assertThat(roleExists(clusterA, appA, returning)).isTrue();
        assertThat(provisionedEventsFor(returning)).isEqualTo(1);
        assertThat(provisionedEventsFor(steady)).isEqualTo(1);
        assertThat(removedEventsFor(returning)).isZero();
    }

    @Test
    void poisonEventGoesToTheDeadLetterTopicAndConsumptionGoesOn() throws Exception {
        String email = "after-poison@example.com";
        publishTogether(Topics.TEAM_MEMBERSHIP, TEAM_A, "{not an event".getBytes(StandardCharsets.UTF_8),
                encoded(new TeamMemberAdded(TEAM_A, email), Instant.now()));
        awaitLogin(humansA, appA, email);
        await().atMost(WAIT).until(() -> !events.readAllRaw(Topics.TEAM_MEMBERSHIP_DLQ).isEmpty());
        ConsumerRecord<String, byte[]> dead = events.readAllRaw(Topics.TEAM_MEMBERSHIP_DLQ).get(0);
        assertThat(dead.headers().lastHeader("dead-letter-reason")).isNotNull();
        // consumed in one batch with the poison, the valid event was applied and not dead-lettered with it
        assertThat(events.readAllRaw(Topics.TEAM_MEMBERSHIP_DLQ)).hasSize(1);
    }

    @Test
    void aPoisonClusterEventIsDeadLetteredAloneAndTheClustersPolledWithItAreProvisioned() throws Exception {
        PostgresCluster first = infra.newCluster("team-d-app", b -> HumanSessions.withCertificateLogins(b, ca));
        PostgresCluster second = infra.newCluster("team-e-app", b -> HumanSessions.withCertificateLogins(b, ca));
        try {
            SeededApplication appD = first.seedApplication("app-d");
            SeededApplication appE = second.seedApplication("app-e");
            publish(new TeamMemberAdded("team-d", "d@example.com"));
            publish(new TeamMemberAdded("team-e", "e@example.com"));

            publishTogether(Topics.CLUSTERS, "batch", encoded(discovered(first, appD, "team-d", "app-d"), Instant.now()),
                    "{not an event".getBytes(StandardCharsets.UTF_8),
                    encoded(discovered(second, appE, "team-e", "app-e"), Instant.now()));

            awaitLogin(new HumanSessions(first, ca), appD, "d@example.com");
            awaitLogin(new HumanSessions(second, ca), appE, "e@example.com");
            await().atMost(WAIT).until(() -> !events.readAllRaw(Topics.CLUSTERS_DLQ).isEmpty());
            assertThat(events.readAllRaw(Topics.CLUSTERS_DLQ)).hasSize(1);
            assertThat(events.readAllRaw(Topics.CLUSTERS_DLQ).get(0).headers().lastHeader("dead-letter-reason"))
                    .isNotNull();
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void clusterThatWasDownConvergesWhenItReturns() throws Exception {
        String email = "patient@example.com";
        double failingBefore = failingClusters(); // clusters other tests left behind, if any
        clusterA.stop();
        try {
            publish(new TeamMemberAdded(TEAM_A, email));
            String other = "not-held-up@team-b.example.com";
            publish(new TeamMemberAdded(TEAM_B, other));
            awaitLogin(humansB, appB, other); // another cluster is not held up
            // the failed pass is counted for the operator's alert (NaisPgProvisioningFailing)
            await().atMost(WAIT).until(() -> failingClusters() == failingBefore + 1);
        } finally {
            clusterA.start();
        }
        awaitLogin(humansA, appA, email);
        await().atMost(WAIT).until(() -> failingClusters() == failingBefore);
    }

    private double failingClusters() {
        return meters.get("nais.provisioning.clusters.failing").gauge().value();
    }

    @Test
    void discoveredClusterGetsEveryCurrentMemberAndARemovedOneIsForgotten() throws Exception {
        PostgresCluster late = infra.newCluster("team-c-app", b -> HumanSessions.withCertificateLogins(b, ca));
        try {
            SeededApplication app = late.seedApplication("app-c");
            HumanSessions humans = new HumanSessions(late, ca);
            publish(new TeamMemberAdded("team-c", "early-1@example.com"));
            publish(new TeamMemberAdded("team-c", "early-2@example.com"));
            publish(discovered(late, app, "team-c", "app-c"));
            awaitLogin(humans, app, "early-1@example.com");
            awaitLogin(humans, app, "early-2@example.com");

            publish(new ClusterRemoved("team-c/app-c", "team-c", "app-c"));
            await().atMost(WAIT).until(() -> directory.cluster("team-c/app-c").isEmpty());
            AccessRevoked revoked = new AccessRevoked("team-c/app-c", "early-1@example.com", "cluster-removed");
            events.await(AccessRevoked.class, revoked::equals, WAIT);
        } finally {
            late.close();
        }
    }

    @Test
    void emailsWithQuotesPlusAndUnicodeWorkEndToEnd() throws Exception {
        for (String email : List.of("o'hara+pg@example.com", "\"q\"@example.com", "åse.øvre@eksempel.no")) {
            publish(new TeamMemberAdded(TEAM_A, email));
            awaitLogin(humansA, appA, email);
        }
    }

    /**
     * Upstream spells the person differently in the addition and the removal (the JSON on the topic, as any
     * producer may write it): one person, one role, and the removal ends their session and their role.
     */
    @Test
    void aRemovalSpelledInAnotherCaseRemovesTheRoleAndEndsAccess() throws Exception {
        String email = "case.leaver@example.com";
        publishTogether(Topics.TEAM_MEMBERSHIP, TEAM_A,
                spelled(new TeamMemberAdded(TEAM_A, email), "Case.Leaver@Example.com"));
        awaitLogin(humansA, appA, email);
        try (Connection open = humansA.connect(appA.database(), email)) {
            publishTogether(Topics.TEAM_MEMBERSHIP, TEAM_A,
                    spelled(new TeamMemberRemoved(TEAM_A, email), "CASE.LEAVER@EXAMPLE.COM"));
            await().atMost(WAIT).until(() -> sqlStateOf(open, "SELECT 1") != null);
            assertThat(sqlStateOf(open, "SELECT 1")).isIn("57P01", "08006", "08003");
        }
        assertThatThrownBy(() -> humansA.connect(appA.database(), email))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
        events.await(HumanRoleRemoved.class, e -> e.email().equals(email), WAIT);
        assertThat(roleNamesLike(clusterA, appA, "case.leaver@%")).isEmpty();
        assertThat(directory.isMember(TEAM_A, email)).isFalse();
    }

    /** A role name holds 63 bytes: a longer email gets no (truncated) role, and the refusal is announced. */
    @Test
    void anEmailLongerThanARoleNameGetsNoTruncatedRoleAndTheRefusalIsAnnounced() throws Exception {
        String email = "long-" + "x".repeat(64 - "long-@example.com".length()) + "@example.com";
        assertThat(email.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(64);
        publish(new TeamMemberAdded(TEAM_A, email));
        HumanRoleRefused refused = events.await(HumanRoleRefused.class, e -> e.email().equals(email), WAIT).data();
        assertThat(refused.clusterId()).isEqualTo(TEAM_A + "/app-a");
        assertThat(refused.reason()).isEqualTo(HumanRoleRefused.EMAIL_TOO_LONG);
        barrierOn(TEAM_A, "barrier-long@example.com");
        assertThat(roleNamesLike(clusterA, appA, "long-%")).isEmpty();
        assertThat(provisionedEventsFor(email)).isZero();
        assertThat(provisionedEventsFor(email.substring(0, 63))).isZero();
    }

    @Test
    void directoryAnswersFromTheProjections() {
        AccessDirectory.ClusterEndpoint endpoint = directory.cluster(TEAM_A + "/app-a").orElseThrow();
        assertThat(endpoint.host()).isEqualTo(clusterA.host());
        assertThat(endpoint.port()).isEqualTo(clusterA.port());
        assertThat(endpoint.database()).isEqualTo(appA.database());
        assertThat(directory.cluster("team-x/unknown")).isEmpty();
        assertThat(directory.activeDbaGrant(TEAM_A + "/app-a", "ada@example.com", Instant.now())).isEmpty();
    }

    private static ClusterDiscovered discovered(PostgresCluster pg, SeededApplication app, String team, String name) {
        return new ClusterDiscovered(team + "/" + name, team, name, pg.host(), pg.port(), app.database(), app.owner(),
                List.of("public"), "file:" + pg.adminSecretFile(), "15", "Running");
    }

    private static <E extends PlatformEvent> Envelope<E> publish(E event) {
        Envelope<E> envelope = Envelope.of("test", event);
        events.publish(envelope);
        return envelope;
    }

    private static <E extends PlatformEvent> void publish(E event, Instant time) {
        events.publish(new Envelope<>(new EventMetadata(UUID.randomUUID(), time, "test",
                UUID.randomUUID().toString()), event));
    }

    /** Sends the values to {@code topic} under one key in one produce request, so the consumer polls them in one batch. */
    private void publishTogether(String topic, String key, byte[]... values) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 1000), new StringSerializer(), new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, key, value));
            }
            producer.flush();
        }
    }

    private static byte[] encoded(PlatformEvent event, Instant time) {
        return EventCodec.encode(new Envelope<>(new EventMetadata(UUID.randomUUID(), time, "test",
                UUID.randomUUID().toString()), event));
    }

    /** Events of one team are consumed in order: once this member is provisioned, earlier events are done. */
    private static void barrierOn(String team, String email) {
        publish(new TeamMemberAdded(team, email));
        events.await(HumanRoleProvisioned.class, e -> e.email().equals(email), WAIT);
    }

    /** Announcements of the person's own (write) role; their read-only role is announced beside it. */
    private static long provisionedEventsFor(String email) {
        return events.readAll(EventTopic.ACCESS).stream()
                .filter(e -> e.data() instanceof HumanRoleProvisioned p && p.roleName().equals(email))
                .count();
    }

    private static long removedEventsFor(String email) {
        return events.readAll(EventTopic.ACCESS).stream()
                .filter(e -> e.data() instanceof HumanRoleRemoved r && r.roleName().equals(email))
                .count();
    }

    private static void awaitLogin(HumanSessions humans, SeededApplication app, String email) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            try (Connection c = humans.connect(app.database(), email); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM public.customers")) {
                return rs.next();
            }
        });
    }

    /** The membership event as JSON whose email is spelled {@code spelling}, as a producer outside Java may write it. */
    private static byte[] spelled(PlatformEvent event, String spelling) {
        String json = new String(encoded(event, Instant.now()), java.nio.charset.StandardCharsets.UTF_8);
        String respelled = json.replace("\"email\":\"case.leaver@example.com\"", "\"email\":\"" + spelling + "\"");
        assertThat(respelled).isNotEqualTo(json);
        return respelled.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<String> roleNamesLike(PostgresCluster pg, SeededApplication app, String pattern)
            throws SQLException {
        try (Connection admin = pg.connect(app.database());
             var ps = admin.prepareStatement("SELECT rolname FROM pg_catalog.pg_roles WHERE rolname LIKE ?")) {
            ps.setString(1, pattern);
            List<String> names = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        }
    }

    private static boolean roleExists(PostgresCluster pg, SeededApplication app, String role) throws SQLException {
        try (Connection admin = pg.connect(app.database());
             var ps = admin.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
