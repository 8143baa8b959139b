package io.nais.pg.access.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import io.nais.pg.access.directory.AccessDirectory;
import io.nais.pg.access.provisioning.HumanSessions;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.LoginDenied;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.SessionClosed;
import io.nais.pg.events.SessionOpened;
import io.nais.pg.events.StatementExecuted;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.events.UnauthenticatedLoginRefused;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway inside the running service, end to end: membership and cluster
 * events on real Kafka drive the real directory and provisioning, a person logs
 * in through the gateway with a token from the real issuer, the audit events
 * arrive on the access topic (session events via the outbox, statements via the
 * audit batcher), and a TeamMemberRemoved ends the
 * relayed session.
 */
@QuarkusTest
@TestProfile(GatewayEnabledProfile.class)
@RealInfrastructure(kafka = false, postgres = true, oidc = true)
@QuarkusTestResource(value = StoppableKafka.class, restrictToAnnotatedClass = true)
class GatewayEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TEAM = "team-gw";
    private static final String CLUSTER_ID = TEAM + "/gw-app";

    private static PostgresCluster cluster;
    private static TestEventBus events;

    @InjectInfrastructure
    Infrastructure infra;

    @InjectInfrastructure
    KafkaBroker kafka;

    @Inject
    AccessDirectory directory;

    /** Health and metrics: the management interface (quarkus.management.enabled), as the probes and Prometheus. */
    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "/health/live", management = true)
    URL live;

    @TestHTTPResource(value = "/health/well", management = true)
    URL well;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Inject
    GatewayService gateway;

    @BeforeEach
    void clusterKnownToTheService() {
        if (cluster != null) {
            return;
        }
        events = new TestEventBus(kafka.bootstrapServers());
        cluster = infra.newCluster("gw-app", b -> HumanSessions.withCertificateLogins(b, GatewayEnabledProfile.CA));
        SeededApplication app = cluster.seedApplication("gw-app");
        publish(new ClusterDiscovered(CLUSTER_ID, TEAM, "gw-app", cluster.host(), cluster.port(), app.database(),
                app.owner(), List.of("public"), "file:" + cluster.adminSecretFile(), "15", "Running"));
        await().atMost(WAIT).until(() -> directory.cluster(CLUSTER_ID).isPresent());
    }

    @Test
    void memberLogsInThroughTheGatewayAndTheSessionIsAudited() throws Exception {
        String email = "gw-member@example.com";
        member(email);
        try (Connection c = connect(email); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_user, count(*) from customers group by 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(email);
        }
        Envelope<SessionOpened> opened = events.await(SessionOpened.class, e -> e.email().equals(email), WAIT);
        assertThat(opened.data().clusterId()).isEqualTo(CLUSTER_ID);
        Envelope<SessionClosed> closed = events.await(SessionClosed.class, e -> e.email().equals(email), WAIT);
        assertThat(closed.data().sessionId()).isEqualTo(opened.data().sessionId());
        assertThat(closed.data().bytesToClient()).isPositive();
        // statement audit is on by default in the service (pgjdbc's own SET application_name is audited too)
        Envelope<StatementExecuted> statement = events.await(StatementExecuted.class,
                e -> e.sessionId().equals(opened.data().sessionId()) && e.statement().contains("customers"), WAIT);
        assertThat(statement.data().statement()).isEqualTo("select current_user, count(*) from customers group by 1");
        assertThat(statement.data().email()).isEqualTo(email);
    }

    @Test
    void removedMemberLosesTheRelayedSessionAndIsRefusedWithAnAuditedDenial() throws Exception {
        String email = "gw-leaver@example.com";
        member(email);
        try (Connection c = connect(email)) {
            CompletableFuture<String> running = CompletableFuture.supplyAsync(() -> {
                try (Statement s = c.createStatement()) {
                    s.execute("select pg_sleep(30)");
                    return "not ended";
                } catch (SQLException e) {
                    return e.getSQLState();
                }
            });
            await().atMost(WAIT).until(() -> cluster.isRunning(email, "select pg_sleep")); // running, not starting
            publish(new TeamMemberRemoved(TEAM, email));
            assertThat(running.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("57P01");
        }
        assertThatThrownBy(() -> connect(email))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
        Envelope<LoginDenied> denied = events.await(LoginDenied.class, e -> email.equals(e.email()), WAIT);
        assertThat(denied.data().reason()).isEqualTo("not-a-member");
        assertThat(denied.data().sqlState()).isEqualTo("28000");
    }

    /**
     * Hole 3 of issue 18: a StartupMessage naming another team's cluster and a made-up person,
     * never authenticated, was stored as that person's LoginDenied in that team's trail. Now
     * what reaches the access topic is an UnauthenticatedLoginRefused with the address and
     * reason only, keyed by the gateway; nothing names the person or the cluster.
     */
    @Test
    void aClientThatNeverAuthenticatesWritesNothingIntoAnotherTeamsTrail() throws Exception {
        String address = "127.88.0." + (1 + new java.util.Random().nextInt(250));
        String madeUp = "made-up-" + java.util.UUID.randomUUID() + "@example.com";
        java.util.Map<String, String> claim = java.util.Map.of("user", madeUp, "database", "team-b/other-app");
        java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", GatewayEnabledProfile.CA.certificate());

        try (RawClient plaintext = new RawClient(address, gateway.port())) {
            plaintext.send(RawClient.startup(claim));
            assertThat(plaintext.errorSqlState()).isEqualTo("28000");
        }
        try (RawClient tls = new RawClient(address, gateway.port())) {
            tls.startTls(trusted);
            tls.send(RawClient.startup(claim));
            assertThat(tls.read().type()).as("asks for the password").isEqualTo('R');
            tls.send(RawClient.password("not-a-token"));
            assertThat(tls.errorSqlState()).isEqualTo("28P01");
        }

        Envelope<UnauthenticatedLoginRefused> plain = events.await(UnauthenticatedLoginRefused.class,
                e -> e.clientAddress().equals(address) && e.reason().equals("tls-required"), WAIT);
        Envelope<UnauthenticatedLoginRefused> forged = events.await(UnauthenticatedLoginRefused.class,
                e -> e.clientAddress().equals(address) && e.reason().equals("token-malformed"), WAIT);
        assertThat(plain.key()).isEqualTo(UnauthenticatedLoginRefused.KEY);
        assertThat(forged.data().sqlState()).isEqualTo("28P01");
        assertThat(events.readAll(EventTopic.ACCESS)).extracting(e -> EventCodec.encodeToString(e))
                .noneMatch(json -> json.contains(madeUp) || json.contains("team-b/other-app"));
    }

    @Test
    void readinessIncludesTheGateway() {
        given().when().get(ready).then().statusCode(200)
                .body("checks.name", hasItem("postgres-gateway"));
    }

    /**
     * Issue 19: readiness included Kafka's health, so a Kafka outage took every gateway out of
     * the load balancer, though the audit spool and the outbox exist to keep serving through
     * one. Kafka's state is the wellness check {@code kafka} and the gauge {@code
     * nais_kafka_reachable}, for alerting; readiness and liveness do not follow it.
     */
    @Test
    void aKafkaOutageLeavesTheGatewayReadyAndServingAndIsReportedForAlerting() throws Exception {
        String email = "gw-through-outage@example.com";
        member(email);
        await().atMost(WAIT).untilAsserted(() -> assertThat(kafkaReported()).isEqualTo("UP"));

        kafka.stop();
        try {
            await().atMost(WAIT).untilAsserted(() -> assertThat(kafkaReported()).isEqualTo("DOWN"));
            assertThat(reachableGauge()).isEqualTo("0.0");
            given().when().get(ready).then().statusCode(200).body("status", is("UP"))
                    .body("checks.name", hasItem("postgres-gateway"));
            given().when().get(live).then().statusCode(200).body("status", is("UP"));
            try (Connection c = connect(email); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select current_user")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(email);
            }
            given().when().get(ready).then().statusCode(200).body("status", is("UP"));
        } finally {
            kafka.restart();
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(kafkaReported()).isEqualTo("UP"));
        assertThat(reachableGauge()).isEqualTo("1.0");
        given().when().get(ready).then().statusCode(200).body("status", is("UP"));
    }

    /** Alert NaisPgGatewayAuditSpoolFilling divides the spool's bytes by its limit, which the gateway exports. */
    @Test
    void theAuditSpoolsLimitIsExportedBesideItsSize() {
        long limit = ConfigProvider.getConfig().getValue("nais.access.gateway.audit.spool.max-bytes", Long.class);
        String scraped = given().accept("text/plain").when().get(metrics).then().statusCode(200).extract().asString();
        assertThat(scraped.lines()).anyMatch(line -> line.startsWith("nais_gateway_audit_spool_bytes"))
                .anySatisfy(line -> assertThat(line).startsWith("nais_gateway_audit_spool_capacity_bytes ")
                        .satisfies(l -> assertThat(Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).isEqualTo(limit)));
    }

    /** The status of the wellness check {@code kafka}. */
    private String kafkaReported() {
        return given().when().get(well).then().extract().path("checks.find { it.name == 'kafka' }.status");
    }

    private String reachableGauge() {
        String scraped = given().accept("text/plain").when().get(metrics).then().statusCode(200)
                .extract().asString();
        return scraped.lines().filter(line -> line.startsWith("nais_kafka_reachable"))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1)).findFirst().orElse("absent");
    }

    private void member(String email) {
        publish(new TeamMemberAdded(TEAM, email));
        events.await(HumanRoleProvisioned.class, e -> e.email().equals(email) && e.clusterId().equals(CLUSTER_ID), WAIT);
    }

    private Connection connect(String email) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", email);
        properties.setProperty("password", infra.oidc().token().subject(email).email(email).sign());
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", GatewayEnabledProfile.caCertificateFile().toString());
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.port() + "/"
                + URLEncoder.encode(CLUSTER_ID, StandardCharsets.UTF_8), properties);
    }

    private static <E extends PlatformEvent> void publish(E event) {
        events.publish(Envelope.of("test", event));
    }
}
