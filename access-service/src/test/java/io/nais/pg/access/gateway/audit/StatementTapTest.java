package io.nais.pg.access.gateway.audit;

import static io.nais.pg.access.gateway.protocol.FrontendMessages.bind;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.close;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.copyData;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.describePortal;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.execute;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.functionCall;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.parse;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.query;
import static io.nais.pg.access.gateway.protocol.FrontendMessages.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The tap on hand-built protocol messages, delivered whole, byte by byte, and several to a buffer. */
class StatementTapTest {

    private final List<AuditedStatement> seen = new ArrayList<>();
    private final StatementTap tap = new StatementTap(UUID.randomUUID(), "team-a/demo-app", "alice@example.com",
            seen::add, 64, Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC));

    @Test
    void eachSimpleQueryIsOneStatementWithoutParameters() {
        feed(query("select 1"), query("begin; update t set a = 1; commit"));
        server("TDCZ");
        server("CCCZ");

        assertThat(seen).extracting(s -> s.text().text()).containsExactly("select 1", "begin; update t set a = 1; commit");
        assertThat(seen).extracting(AuditedStatement::parameterCount).containsExactly(0, 0);
        assertThat(seen).extracting(s -> s.text().truncated()).containsExactly(false, false);
    }

    @Test
    void preparedStatementIsRecordedAtEachBindAndExecuteWithItsParameterCountButNoValues() {
        feed(parse("S_1", "select * from t where a = $1 and b = $2"), bind("", "S_1", "secret-one", "secret-two"),
                describePortal(""), execute(""), sync());
        server("12TDCZ");
        feed(bind("", "S_1", "secret-three", "x"), execute(""), sync());
        server("2DCZ");

        assertThat(seen).hasSize(2);
        assertThat(seen).allSatisfy(s -> {
            assertThat(s.text().text()).isEqualTo("select * from t where a = $1 and b = $2");
            assertThat(s.parameterCount()).isEqualTo(2);
            assertThat(s.toEvent().toString()).doesNotContain("secret");
        });
    }

    @Test
    void aStatementIsRecordedWhenTheServerReachesItNotWhenTheClientSendsIt() {
        feed(parse("", "delete from t"), bind("", ""), execute(""), sync());
        assertThat(seen).isEmpty();

        server("12");
        assertThat(seen).extracting(s -> s.text().text()).containsExactly("delete from t");
    }

    @Test
    void aSuspendedPortalFetchedAgainIsStillOneStatement() {
        feed(parse("", "select * from big"), bind("", ""), execute(""), execute(""), execute(""), sync());
        server("12DsDsDCZ");

        assertThat(seen).singleElement().satisfies(s -> assertThat(s.text().text()).isEqualTo("select * from big"));
    }

    @Test
    void theUnnamedStatementIsReplacedByTheNextUnnamedParse() {
        feed(parse("", "select 1"), bind("", ""), execute(""), parse("", "select 2"), bind("", ""), execute(""), sync());
        server("12DC12DCZ");

        assertThat(seen).extracting(s -> s.text().text()).containsExactly("select 1", "select 2");
    }

    @Test
    void aClosedStatementIsForgotten() {
        feed(parse("S_9", "select 9"), close('S', "S_9"), sync(), bind("", "S_9"), execute(""), sync());
        server("13Z");
        server("2CZ");

        assertThat(seen).singleElement().satisfies(s -> assertThat(s.text()).isSameAs(StatementText.UNKNOWN));
    }

    /** Hole 4 of issue 18: a Parse the server refuses (42P05, name in use) must not rename the statement. */
    @Test
    void aParseTheServerRefusesLeavesTheEarlierTextEvenWhenPipelined() {
        feed(parse("S_1", "delete from accounts"), sync());
        server("1Z");
        // all in one write, before the server answered anything: the refused Parse, then an Execute of S_1
        feed(parse("S_1", "select 1"), bind("", "S_1"), execute(""), sync(), bind("", "S_1"), execute(""), sync());
        server("EZ");
        server("2CZ");

        assertThat(seen).extracting(s -> s.text().text()).containsExactly("delete from accounts");
    }

    @Test
    void aRefusedUnnamedParseDropsTheUnnamedStatementAsTheServerDoes() {
        feed(parse("", "delete from accounts"), sync(), parse("", "selec oops"), sync(), bind("", ""), execute(""), sync());
        server("1Z");
        server("EZ");
        server("EZ");

        assertThat(seen).isEmpty();
    }

    @Test
    void messagesSkippedAfterAnErrorUntilSyncAreNotRecorded() {
        feed(bind("", "missing"), execute(""), query("delete from t"), sync(), query("select 2"));
        server("EZ");
        server("TDCZ");

        assertThat(seen).extracting(s -> s.text().text()).containsExactly("select 2");
    }

    @Test
    void namesAreKeyedByTheirFirst63BytesAsPostgreSQLDoes() {
        String longName = "s".repeat(63);
        feed(parse(longName + "-one", "delete from t"), sync(), bind("", longName + "-two"), execute(""), sync());
        server("1Z2CZ");

        assertThat(seen).extracting(s -> s.text().text()).containsExactly("delete from t");
    }

    /** Hole 4 of issue 18: a name past the capture window hid the Execute (stale buffer bytes). */
    @Test
    void aNameLongerThanTheCaptureWindowIsRecordedAsUnattributedNeverDropped() {
        feed(parse("n".repeat(280), "select 1"), sync()); // leaves a NUL at byte 280 of the capture buffer
        feed(parse("p".repeat(700), "delete from t"), sync(), bind("", "p".repeat(700)), execute(""), sync());
        feed(bind("q".repeat(600), "n".repeat(280)), execute("q".repeat(600)), sync());
        feed(parse("", "select 7"), bind("r".repeat(200), "", "v"), execute("r".repeat(200)), sync());
        server("1Z" + "1Z2CZ" + "2CZ" + "12CZ");

        assertThat(seen).extracting(s -> s.text().text()).containsExactly(
                "<unattributed: name too long>", "<unattributed: name too long>", "select 7");
    }

    /** Hole 4 of issue 18: the fast-path FunctionCall ran unaudited. */
    @Test
    void aFunctionCallIsRecordedWithItsOidAndArgumentSizesButNoValues() {
        feed(functionCall(764, new byte[] {1, 2, 3, 4}, null, "secret-value".getBytes(StandardCharsets.UTF_8)));
        server("VZ");

        assertThat(seen).singleElement().satisfies(s -> {
            assertThat(s.text().text()).isEqualTo("<function call: oid 764, argument sizes 4, null, 12>");
            assertThat(s.parameterCount()).isEqualTo(3);
            assertThat(s.toEvent().toString()).doesNotContain("secret");
        });
    }

    @Test
    void aClientFarAheadOfTheServerIsRecordedWithoutAttributionNeverDropped() {
        feed(parse("S_1", "delete from t"), sync());
        server("1Z");
        byte[][] unanswered = new byte[ServerOrder.MAX_PENDING][];
        java.util.Arrays.fill(unanswered, sync());
        feed(unanswered);
        feed(bind("", "S_1"), execute(""), query("select 'still recorded'"), sync());

        assertThat(seen).extracting(s -> s.text().text())
                .containsExactly("<unattributed: too many messages awaiting the server>", "select 'still recorded'");
    }

    @Test
    void messagesSplitAtEveryByteAreFollowed() {
        ByteBuf all = Unpooled.wrappedBuffer(query("select 'x'"), parse("S_2", "select $1"), bind("P", "S_2", "v"),
                execute("P"), sync(), copyData(5000), functionCall(42, new byte[7]), query("select 'after copy'"));
        while (all.isReadable()) {
            ByteBuf one = all.readSlice(1);
            tap.advance(one);
        }
        server("CZ" + "12CZ" + "VZ" + "CZ");

        assertThat(seen).extracting(s -> s.text().text()).containsExactly("select 'x'", "select $1",
                "<function call: oid 42, argument sizes 7>", "select 'after copy'");
    }

    @Test
    void aLongStatementIsCutAtTheLimitOnACharacterBoundaryAndFlagged() {
        String longText = "select '" + "æ".repeat(100) + "'";
        feed(query(longText), parse("S_3", longText), bind("", "S_3"), execute(""), sync());
        server("CZ12CZ");

        assertThat(seen).hasSize(2).allSatisfy(s -> {
            assertThat(s.text().truncated()).isTrue();
            assertThat(s.text().text().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64);
            assertThat(longText).startsWith(s.text().text().replace(Redaction.MASK, ""));
            assertThat(s.text().text()).doesNotContain("\uFFFD");
        });
    }

    @Test
    void theRelayedBufferIsNotConsumed() {
        ByteBuf buf = Unpooled.wrappedBuffer(query("select 1"));
        int before = buf.readerIndex();
        tap.advance(buf);
        assertThat(buf.readerIndex()).isEqualTo(before);
    }

    private void server(String types) {
        for (char type : types.toCharArray()) {
            tap.serverMessage((byte) type);
        }
    }

    private void feed(byte[]... messages) {
        tap.advance(Unpooled.wrappedBuffer(messages));
    }
}
