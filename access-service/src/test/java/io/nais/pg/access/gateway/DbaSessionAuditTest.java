package io.nais.pg.access.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.access.directory.AccessDirectory.ActiveGrant;
import io.nais.pg.access.gateway.audit.AuditSettings;
import io.nais.pg.access.gateway.audit.FullSpoolPolicy;
import io.nais.pg.access.gateway.audit.StatementAudit;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.StatementExecuted;
import io.nais.pg.events.Topics;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.kafka.TestEventBus;
import java.nio.file.Files;
import java.sql.Connection;
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
 * through a real gateway, the events read back from a real broker).
 */
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
        h.createHuman(DBA);
        h.directory.grant(GatewayHarness.CLUSTER_ID, DBA,
                new ActiveGrant(UUID.randomUUID().toString(), Instant.now().plus(Duration.ofHours(1))));
        kafka = KafkaBroker.start();
        kafka.createTopics(Topics.ACCESS);
        bus = new TestEventBus(kafka.bootstrapServers());
        AuditSettings every = GatewayHarness.auditSettings(kafka.bootstrapServers(),
                Files.createTempDirectory("audit-spool"), 64L * 1024 * 1024, FullSpoolPolicy.KEEP_SERVING);
        AuditSettings clusterOff = new AuditSettings(every.enabled(), Map.of(GatewayHarness.CLUSTER_ID, false),
                every.maxStatementBytes(), every.queueCapacity(), every.batchSize(), every.drainInterval(),
                every.linger(), every.spoolDirectory(), every.spoolMaxBytes(), every.spoolSegmentBytes(),
                every.fullPolicy(), every.retryInterval(), every.ackTimeout(), every.producerConfig());
        audit = StatementAudit.start(clusterOff);
        gateway = h.startGateway(audit);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        audit.close();
        bus.close();
        kafka.close();
    }

    @Test
    void statementsOfADbaSessionAreRecordedOnAClusterWhoseStatementAuditIsOff() throws Exception {
        String marker = "m" + UUID.randomUUID().toString().replace("-", "");
        String sql = "select 1 as \"" + marker + "\"";
        try (Connection connection = h.connectVia(gateway.port(), DBA, h.tokens.valid(DBA));
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }

        List<StatementExecuted> arrived = bus.awaitCount(EventTopic.ACCESS,
                        e -> e.data() instanceof StatementExecuted s && s.statement().contains(marker), 1, ARRIVAL)
                .stream().map(e -> (StatementExecuted) e.data()).toList();
        assertThat(arrived).singleElement().satisfies(e -> {
            assertThat(e.email()).isEqualTo(DBA);
            assertThat(e.statement()).isEqualTo(sql);
        });
    }
}
