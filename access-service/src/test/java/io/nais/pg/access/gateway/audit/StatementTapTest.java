package io.nais.pg.access.gateway.audit;

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

        assertThat(seen).extracting(s -> s.text().text()).containsExactly("select 1", "begin; update t set a = 1; commit");
        assertThat(seen).extracting(AuditedStatement::parameterCount).containsExactly(0, 0);
        assertThat(seen).extracting(s -> s.text().truncated()).containsExactly(false, false);
    }

    @Test
    void preparedStatementIsRecordedAtEachBindAndExecuteWithItsParameterCountButNoValues() {
        feed(parse("S_1", "select * from t where a = $1 and b = $2"), bind("", "S_1", "secret-one", "secret-two"),
                describe(), execute(""), sync());
        feed(bind("", "S_1", "secret-three", "x"), execute(""), sync());

        assertThat(seen).hasSize(2);
        assertThat(seen).allSatisfy(s -> {
            assertThat(s.text().text()).isEqualTo("select * from t where a = $1 and b = $2");
            assertThat(s.parameterCount()).isEqualTo(2);
            assertThat(s.toEvent().toString()).doesNotContain("secret");
        });
    }

    @Test
    void aSuspendedPortalFetchedAgainIsStillOneStatement() {
        feed(parse("", "select * from big"), bind("", ""), execute(""), execute(""), execute(""), sync());

        assertThat(seen).singleElement().satisfies(s -> assertThat(s.text().text()).isEqualTo("select * from big"));
    }

    @Test
    void theUnnamedStatementIsReplacedByTheNextUnnamedParse() {
        feed(parse("", "select 1"), bind("", ""), execute(""), parse("", "select 2"), bind("", ""), execute(""), sync());

        assertThat(seen).extracting(s -> s.text().text()).containsExactly("select 1", "select 2");
    }

    @Test
    void aClosedStatementIsForgotten() {
        feed(parse("S_9", "select 9"), close('S', "S_9"), bind("", "S_9"), execute(""));

        assertThat(seen).singleElement().satisfies(s -> assertThat(s.text()).isSameAs(StatementText.UNKNOWN));
    }

    @Test
    void messagesSplitAtEveryByteAreFollowed() {
        ByteBuf all = Unpooled.wrappedBuffer(query("select 'x'"), parse("S_2", "select $1"), bind("P", "S_2", "v"),
                execute("P"), copyData(5000), query("select 'after copy'"));
        while (all.isReadable()) {
            ByteBuf one = all.readSlice(1);
            tap.advance(one);
        }

        assertThat(seen).extracting(s -> s.text().text()).containsExactly("select 'x'", "select $1", "select 'after copy'");
    }

    @Test
    void aLongStatementIsCutAtTheLimitOnACharacterBoundaryAndFlagged() {
        String longText = "select '" + "æ".repeat(100) + "'";
        feed(query(longText), parse("S_3", longText), bind("", "S_3"), execute(""));

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

    private void feed(byte[]... messages) {
        tap.advance(Unpooled.wrappedBuffer(messages));
    }

    static byte[] query(String sql) {
        return message('Q', cstring(sql));
    }

    static byte[] parse(String name, String sql) {
        return message('P', cstring(name), cstring(sql), new byte[] {0, 0});
    }

    static byte[] bind(String portal, String statement, String... values) {
        ByteBuf body = Unpooled.buffer();
        body.writeBytes(cstring(portal)).writeBytes(cstring(statement));
        body.writeShort(1).writeShort(0);
        body.writeShort(values.length);
        for (String value : values) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            body.writeInt(bytes.length).writeBytes(bytes);
        }
        body.writeShort(0);
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        return message('B', bytes);
    }

    static byte[] execute(String portal) {
        return message('E', cstring(portal), new byte[] {0, 0, 0, 0});
    }

    static byte[] describe() {
        return message('D', new byte[] {'P', 0});
    }

    static byte[] sync() {
        return message('S');
    }

    static byte[] close(char kind, String name) {
        return message('C', new byte[] {(byte) kind}, cstring(name));
    }

    static byte[] copyData(int size) {
        byte[] data = new byte[size];
        java.util.Arrays.fill(data, (byte) 'Q');
        return message('d', data);
    }

    private static byte[] cstring(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        return out;
    }

    private static byte[] message(char type, byte[]... parts) {
        ByteBuf buf = Unpooled.buffer();
        int length = 4;
        for (byte[] part : parts) {
            length += part.length;
        }
        buf.writeByte(type).writeInt(length);
        for (byte[] part : parts) {
            buf.writeBytes(part);
        }
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }
}
