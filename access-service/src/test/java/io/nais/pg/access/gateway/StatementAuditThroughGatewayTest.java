package io.nais.pg.access.gateway;

import static io.nais.pg.access.gateway.GatewayHarness.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nais.pg.access.gateway.audit.FullSpoolPolicy;
import io.nais.pg.access.gateway.audit.StatementAudit;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.StatementExecuted;
import io.nais.pg.events.Topics;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.process.FreePorts;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Statement audit with real clients (psql, pgjdbc) through a gateway to a real
 * cluster, the events read back from a real Kafka broker, which one test stops and
 * restarts mid-session. Every statement carries a fresh marker so tests only look at
 * their own events on the shared topic.
 */
@QuarkusTest
@TestProfile(GatewayEnabledProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class StatementAuditThroughGatewayTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(30);

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
        audit = GatewayHarness.startAudit(kafka.bootstrapServers(),
                Files.createTempDirectory("audit-spool"), 64L * 1024 * 1024, FullSpoolPolicy.KEEP_SERVING);
        gateway = h.startGateway(Map.of(), audit);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        audit.close();
        bus.close();
        kafka.close();
    }

    @Test
    void psqlStatementsArriveOnTheAccessTopicOneByOneInOrder() {
        String marker = marker();
        List<String> statements = List.of("select 1 as \"" + marker + "\"", "select 2 as \"" + marker + "\"",
                "select count(*) as \"" + marker + "\" from pg_class");

        GatewayHarness.Psql run = h.psql(h.libpq(gateway.port(), ALICE), h.tokens.valid(ALICE), statements);
        assertThat(run.exit()).as(run.output()).isZero();

        List<StatementExecuted> arrived = statementsWith(marker, 3);
        assertThat(arrived).extracting(StatementExecuted::statement).containsExactlyElementsOf(statements);
        assertThat(arrived).allSatisfy(e -> {
            assertThat(e.email()).isEqualTo(ALICE);
            assertThat(e.clusterId()).isEqualTo(GatewayHarness.CLUSTER_ID);
            assertThat(e.parameterCount()).isZero();
            assertThat(e.truncated()).isFalse();
        });
        assertThat(arrived).extracting(StatementExecuted::sessionId).containsOnly(arrived.get(0).sessionId());
    }

    @Test
    void reusedServerPreparedStatementsArriveOncePerExecutionWithParameterCountAndNoValues() throws Exception {
        String marker = marker();
        String sql = "select ? || ? as \"" + marker + "\"";
        Properties serverPrepareAtOnce = new Properties();
        serverPrepareAtOnce.setProperty("prepareThreshold", "1");
        try (Connection connection = h.connectVia(gateway.port(), ALICE, h.tokens.valid(ALICE), serverPrepareAtOnce);
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < 5; i++) {
                statement.setString(1, "value-" + marker + "-" + i);
                statement.setString(2, "x");
                try (ResultSet row = statement.executeQuery()) {
                    assertThat(row.next()).isTrue();
                }
            }
        }

        List<Envelope<?>> raw = envelopesWith(marker, 5);
        assertThat(raw).extracting(e -> ((StatementExecuted) e.data()).statement())
                .containsOnly("select $1 || $2 as \"" + marker + "\"");
        assertThat(raw).extracting(e -> ((StatementExecuted) e.data()).parameterCount()).containsOnly(2);
        assertThat(raw).allSatisfy(e -> assertThat(EventCodec.encodeToString(e)).doesNotContain("value-"));
    }

    @Test
    void aLongStatementArrivesTruncatedAndFlagged() {
        String marker = marker();
        String longStatement = "select '" + marker + "' as m, '" + "y".repeat(10_000) + "' as filler";

        GatewayHarness.Psql run = h.psql(h.libpq(gateway.port(), ALICE), h.tokens.valid(ALICE), longStatement);
        assertThat(run.exit()).as(run.output()).isZero();

        StatementExecuted arrived = statementsWith(marker, 1).get(0);
        assertThat(arrived.truncated()).isTrue();
        assertThat(arrived.statement()).as("nais.access.gateway.audit.statements.max-bytes of application.properties")
                .hasSize(8192);
        assertThat(longStatement).startsWith(arrived.statement());
    }

    @Test
    void aKafkaOutageMidSessionLosesNoStatement() throws Exception {
        String marker = marker();
        List<String> sent = new ArrayList<>();
        try (Connection connection = h.connectVia(gateway.port(), ALICE, h.tokens.valid(ALICE));
             Statement statement = connection.createStatement()) {
            runNumbered(statement, marker, 0, 3, sent);
            kafka.stop();
            runNumbered(statement, marker, 3, 13, sent);
            await().atMost(Duration.ofSeconds(20)).until(() -> audit.spoolBytes() > 0);
            kafka.restart();
            runNumbered(statement, marker, 13, 15, sent);
        }

        List<StatementExecuted> arrived = statementsWith(marker, sent.size());
        List<Envelope<?>> all = bus.readAll(EventTopic.ACCESS).stream().filter(e -> isOurs(e, marker)).toList();
        assertThat(new LinkedHashSet<>(all.stream().map(e -> ((StatementExecuted) e.data()).statement()).toList()))
                .as("every statement, in the order run (duplicates, if any, are repeats of one event id)")
                .containsExactlyElementsOf(sent);
        assertThat(all.stream().map(e -> e.metadata().id()).distinct().count()).isEqualTo(sent.size());
        assertThat(arrived).hasSize(sent.size());
        assertThat(audit.dropped()).isZero();
    }

    @Test
    void aFullSpoolUnderRefuseNewSessionsRefusesLoginsWithSqlState57P03() throws Exception {
        StatementAudit unreachable = GatewayHarness.startAudit(nobodyListening(),
                Files.createTempDirectory("audit-spool-full"), 2_000, FullSpoolPolicy.REFUSE_NEW_SESSIONS);
        GatewayServer refusing = h.startGateway(Map.of(), unreachable);
        try (Connection open = h.connectVia(refusing.port(), ALICE, h.tokens.valid(ALICE));
             Statement statement = open.createStatement()) {
            fillSpool(statement, unreachable);

            assertThatThrownBy(() -> h.connectVia(refusing.port(), ALICE, h.tokens.valid(ALICE)).close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57P03"));
            assertThat(statement.execute("select 1")).as("the open session goes on").isTrue();
        } finally {
            refusing.close();
            unreachable.close();
        }
    }

    @Test
    void aFullSpoolUnderKeepServingDropsAndCountsButLetsEveryoneIn() throws Exception {
        StatementAudit unreachable = GatewayHarness.startAudit(nobodyListening(),
                Files.createTempDirectory("audit-spool-keep"), 2_000, FullSpoolPolicy.KEEP_SERVING);
        GatewayServer serving = h.startGateway(Map.of(), unreachable);
        try (Connection open = h.connectVia(serving.port(), ALICE, h.tokens.valid(ALICE));
             Statement statement = open.createStatement()) {
            fillSpool(statement, unreachable);

            try (Connection another = h.connectVia(serving.port(), ALICE, h.tokens.valid(ALICE));
                 Statement second = another.createStatement(); ResultSet row = second.executeQuery("select 42")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getInt(1)).isEqualTo(42);
            }
            assertThat(unreachable.spoolBytes()).isLessThanOrEqualTo(2_000);
        } finally {
            serving.close();
            unreachable.close();
        }
    }

    @Test
    void statementsSpooledBeforeAGatewayRestartAreSentAfterIt() throws Exception {
        String marker = marker();
        Path spool = Files.createTempDirectory("audit-spool-restart");
        StatementAudit beforeRestart = GatewayHarness.startAudit(nobodyListening(), spool,
                64L * 1024 * 1024, FullSpoolPolicy.KEEP_SERVING);
        GatewayServer first = h.startGateway(Map.of(), beforeRestart);
        List<String> sent = new ArrayList<>();
        try (Connection connection = h.connectVia(first.port(), ALICE, h.tokens.valid(ALICE));
             Statement statement = connection.createStatement()) {
            runNumbered(statement, marker, 0, 4, sent);
        }
        first.close();
        beforeRestart.close();
        assertThat(beforeRestart.sent()).isZero();

        StatementAudit afterRestart = GatewayHarness.startAudit(kafka.bootstrapServers(), spool,
                64L * 1024 * 1024, FullSpoolPolicy.KEEP_SERVING);
        try {
            assertThat(statementsWith(marker, 4)).extracting(StatementExecuted::statement).containsExactlyElementsOf(sent);
        } finally {
            afterRestart.close();
        }
    }

    /** Statements until the audit drops one: Kafka is unreachable and the 2 kB spool has no room left. */
    private static void fillSpool(Statement statement, StatementAudit audit) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            statement.execute("select 'filling the audit spool, " + "z".repeat(200) + "'");
            return audit.dropped() > 0;
        });
    }

    private static void runNumbered(Statement statement, String marker, int from, int to, List<String> sent)
            throws SQLException {
        for (int i : IntStream.range(from, to).toArray()) {
            String sql = "select " + i + " as \"" + marker + "\"";
            statement.execute(sql);
            sent.add(sql);
        }
    }

    private static List<StatementExecuted> statementsWith(String marker, int count) {
        return envelopesWith(marker, count).stream().map(e -> (StatementExecuted) e.data()).toList();
    }

    private static List<Envelope<?>> envelopesWith(String marker, int count) {
        return bus.awaitCount(EventTopic.ACCESS, e -> isOurs(e, marker), count, ARRIVAL);
    }

    private static boolean isOurs(Envelope<?> envelope, String marker) {
        return envelope.data() instanceof StatementExecuted s && s.statement().contains(marker);
    }

    private static String marker() {
        return "m" + UUID.randomUUID().toString().replace("-", "");
    }

    /** A port nothing listens on: a broker that is down from the start. */
    private static String nobodyListening() {
        return FreePorts.HOST + ":" + FreePorts.next();
    }
}
