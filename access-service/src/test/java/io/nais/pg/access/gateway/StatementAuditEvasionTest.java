package io.nais.pg.access.gateway;

import static io.nais.pg.access.gateway.GatewayHarness.ALICE;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.all;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.bind;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.execute;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.functionCall;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.parse;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.query;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.sync;
import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.access.gateway.audit.FullSpoolPolicy;
import io.nais.pg.access.gateway.audit.StatementAudit;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.StatementExecuted;
import io.nais.pg.events.Topics;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hole 4 of issue 18: a person who tries to run a statement past the statement
 * audit, through the real gateway to a real cluster, with a raw protocol client and
 * psql; the StatementExecuted events are read back from a real Kafka broker. Each
 * attack ends with a marked "end" query in the same session: events of one session
 * arrive in order, so once it is there, everything the session recorded is.
 */
@QuarkusTest
@TestProfile(GatewayEnabledProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class StatementAuditEvasionTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(30);
    /** pg_catalog.int4pl(int4, int4): a fixed oid in every PostgreSQL. */
    private static final int INT4PL = 177;

    private static GatewayHarness h;
    private static KafkaBroker kafka;
    private static TestEventBus bus;
    private static StatementAudit audit;
    private static GatewayServer gateway;
    private static KeyStore trusted;

    @BeforeAll
    static void start() throws Exception {
        h = GatewayHarness.shared();
        kafka = KafkaBroker.start();
        kafka.createTopics(Topics.ACCESS);
        bus = new TestEventBus(kafka.bootstrapServers());
        audit = GatewayHarness.startAudit(kafka.bootstrapServers(),
                Files.createTempDirectory("audit-spool-evasion"), 64L * 1024 * 1024, FullSpoolPolicy.KEEP_SERVING);
        gateway = h.startGateway(Map.of(), audit);
        trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", h.ca.certificate());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        audit.close();
        bus.close();
        kafka.close();
    }

    /** A Parse refused with 42P05 (name in use) used to rename the statement in the audit; the server ran the old one. */
    @Test
    void aParseTheServerRefusesDoesNotDisguiseTheStatementThatRuns() throws Exception {
        String marker = marker();
        String real = "select 'real-" + marker + "'::text as dropped_table";
        String decoy = "select 'decoy-" + marker + "'";
        try (RawClient client = session()) {
            client.send(all(parse("S_1", real), sync()));
            client.untilReady();
            // one write, before any answer: the refused Parse, then Bind/Execute of S_1 in the next Sync
            client.send(all(parse("S_1", decoy), sync(), bind("", "S_1"), execute(""), sync()));
            assertThat(client.errorSqlState()).isEqualTo("42P05");
            client.untilReady();
            List<RawClient.Message> executed = client.untilReady();
            assertThat(rowValue(executed)).as("the server ran the first text").isEqualTo("real-" + marker);
            end(client, marker);
        }

        assertThat(statementsOfSession(marker)).containsExactly(real, endQuery(marker));
    }

    /** PostgreSQL keys names by their first 63 bytes; names past the tap's window used to hide the Execute. */
    @Test
    void longNamesNeitherHideNorDisguiseAStatement() throws Exception {
        String marker = marker();
        String real = "select 'long-name-" + marker + "'";
        String prefix = "n".repeat(63);
        String portal = "p".repeat(63);
        try (RawClient client = session()) {
            // statement and portal named differently past byte 63: the same ones to the server
            client.send(all(parse(prefix + "-prepared", real), sync(),
                    bind("", prefix + "-executed"), execute(""), sync(),
                    bind(portal + "A".repeat(700), prefix + "-again"), execute(portal + "B".repeat(700)), sync()));
            client.untilReady();
            assertThat(rowValue(client.untilReady())).isEqualTo("long-name-" + marker);
            assertThat(rowValue(client.untilReady())).isEqualTo("long-name-" + marker);
            end(client, marker);
        }

        assertThat(statementsOfSession(marker))
                .containsExactly(real, "<unattributed: name too long>", endQuery(marker));
    }

    /** The fast-path FunctionCall ('F') ran without any audit. */
    @Test
    void aFunctionCallIsAuditedWithItsOidAndArgumentSizes() throws Exception {
        String marker = marker();
        try (RawClient client = session()) {
            client.send(functionCall(INT4PL, ByteBuffer.allocate(4).putInt(2).array(), ByteBuffer.allocate(4).putInt(3).array()));
            List<RawClient.Message> answer = client.untilReady();
            assertThat(answer.get(0).type()).as("FunctionCallResponse").isEqualTo('V');
            end(client, marker);
        }

        assertThat(statementsOfSession(marker))
                .containsExactly("<function call: oid " + INT4PL + ", argument sizes 4, 4>", endQuery(marker));
    }

    /** Redaction masked from a credential word in a comment to the end, so the delete was never recorded. */
    @Test
    void aCredentialWordInACommentDoesNotHideTheStatementsAfterIt() {
        String marker = marker();
        String table = "t_" + marker;
        String sql = "create temp table " + table + " (a int); /* secret $$ */ delete from " + table + "; -- $$";

        GatewayHarness.Psql run = h.psql(h.libpq(gateway.port(), ALICE), h.tokens.valid(ALICE), sql);
        assertThat(run.exit()).as(run.output()).isZero();

        StatementExecuted recorded = bus.awaitCount(EventTopic.ACCESS,
                e -> e.data() instanceof StatementExecuted s && s.statement().contains(marker), 1, ARRIVAL)
                .stream().map(e -> (StatementExecuted) e.data()).findFirst().orElseThrow();
        assertThat(recorded.statement()).isEqualTo(sql).contains("delete from " + table);
    }

    private RawClient session() throws Exception {
        RawClient client = new RawClient(gateway.port());
        client.timeout(20_000);
        client.login(trusted, ALICE, GatewayHarness.CLUSTER_ID, h.tokens.valid(ALICE));
        return client;
    }

    private static void end(RawClient client, String marker) throws Exception {
        client.send(query(endQuery(marker)));
        client.untilReady();
    }

    private static String endQuery(String marker) {
        return "select 'end-" + marker + "'";
    }

    /** Every statement recorded for the session that ran the marked end query, in order. */
    private static List<String> statementsOfSession(String marker) {
        StatementExecuted end = bus.awaitCount(EventTopic.ACCESS,
                e -> e.data() instanceof StatementExecuted s && s.statement().equals(endQuery(marker)), 1, ARRIVAL)
                .stream().map(e -> (StatementExecuted) e.data()).findFirst().orElseThrow();
        return bus.readAll(EventTopic.ACCESS).stream()
                .filter(e -> e.data() instanceof StatementExecuted s && s.sessionId().equals(end.sessionId()))
                .map(e -> ((StatementExecuted) e.data()).statement())
                .toList();
    }

    /** The first column of the first DataRow, as text. */
    private static String rowValue(List<RawClient.Message> messages) {
        RawClient.Message row = messages.stream().filter(m -> m.type() == 'D').findFirst()
                .orElseThrow(() -> new AssertionError("no row in " + messages.stream().map(RawClient.Message::type).toList()));
        ByteBuffer body = ByteBuffer.wrap(row.body());
        body.getShort();
        byte[] value = new byte[body.getInt()];
        body.get(value);
        return new String(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String marker() {
        return "m" + UUID.randomUUID().toString().replace("-", "");
    }
}
