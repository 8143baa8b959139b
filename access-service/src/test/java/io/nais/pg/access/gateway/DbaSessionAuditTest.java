package io.nais.pg.access.gateway;

import static io.nais.pg.access.gateway.GatewayHarness.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nais.pg.access.gateway.audit.StatementAudit;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.StatementExecuted;
import io.nais.pg.events.Topics;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, hole 10: the statements of a session opened on a DBA grant are recorded even on a cluster whose
 * statement audit is switched off, so every change a temporary superuser makes is tied to the DBA (pgjdbc
 * through a real gateway, the grant a real DbaAccessGranted, the events read back from a real broker). The
 * switch is the per-cluster override as an operator writes it,
 * {@code nais.access.gateway.audit.statements.clusters."team-a/demo-app"=false}, read through
 * {@link GatewayConfig}.
 */
@QuarkusTest
@TestProfile(GatewayEnabledProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class DbaSessionAuditTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(30);
    private static final String DBA = "audited-dba@example.com";

    private static GatewayHarness h;
    private static KafkaBroker kafka;
    private static TestEventBus bus;
    private static StatementAudit audit;
    private static GatewayServer gateway;

    @BeforeAll
    static void start() throws Exception {
        h = GatewayHarness.shared();
        kafka = KafkaBroker.start();
        kafka.createTopics(Topics.ACCESS);
        bus = new TestEventBus(kafka.bootstrapServers());
        audit = GatewayHarness.startAudit(Map.of(
                "nais.access.gateway.audit.statements.clusters.\"team-a/demo-app\"", "false",
                "nais.access.gateway.audit.spool.directory", Files.createTempDirectory("audit-spool").toString()),
                kafka.bootstrapServers());
        gateway = h.startGateway(Map.of(), audit);
        Instant now = Instant.now();
        h.publish(new DbaAccessGranted(UUID.randomUUID(), GatewayHarness.CLUSTER_ID, GatewayHarness.TEAM, DBA,
                "lead@example.com", now, now.plus(Duration.ofHours(1))));
        // in once the grant has reached the directory and provisioning has made the role
        await().atMost(ARRIVAL).ignoreExceptions().until(() -> {
            h.connectVia(gateway.port(), DBA, h.tokens.valid(DBA)).close();
            return true;
        });
    }

    @AfterAll
    static void stop() {
        gateway.close();
        audit.close();
        bus.close();
        kafka.close();
    }

    /**
     * A member's statement, then the DBA's, on the cluster whose audit is off: the DBA's arrives and the
     * member's does not. Both go out keyed by the cluster, through one producer to one partition, in the order
     * run, so the member's would have arrived before the DBA's.
     */
    @Test
    void statementsOfADbaSessionAreRecordedOnAClusterWhoseStatementAuditIsOff() throws Exception {
        String memberMarker = marker();
        String dbaMarker = marker();
        run(ALICE, "select 1 as \"" + memberMarker + "\"");
        String sql = "select 1 as \"" + dbaMarker + "\"";
        run(DBA, sql);

        List<StatementExecuted> arrived = bus.awaitCount(EventTopic.ACCESS,
                        e -> e.data() instanceof StatementExecuted s && s.statement().contains(dbaMarker), 1, ARRIVAL)
                .stream().map(e -> (StatementExecuted) e.data()).toList();
        assertThat(arrived).singleElement().satisfies(e -> {
            assertThat(e.email()).isEqualTo(DBA);
            assertThat(e.statement()).isEqualTo(sql);
        });
        assertThat(bus.readAll(EventTopic.ACCESS)).map(Envelope::data)
                .as("the cluster's override switched the member's statement audit off")
                .noneMatch(e -> e instanceof StatementExecuted s && s.statement().contains(memberMarker));
    }

    private static void run(String email, String sql) throws SQLException {
        try (Connection connection = h.connectVia(gateway.port(), email, h.tokens.valid(email));
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String marker() {
        return "m" + UUID.randomUUID().toString().replace("-", "");
    }
}
