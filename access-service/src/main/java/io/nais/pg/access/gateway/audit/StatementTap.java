package io.nais.pg.access.gateway.audit;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;

/**
 * Watches both directions of one session and reports each statement the client
 * runs, without framing or copying the stream: the relay still writes the received
 * buffer as is. Of the client's messages only the five header bytes are read, plus
 * a bounded prefix of the bodies that name statements (Query, Parse, Bind up to its
 * parameter count, Execute, Close, FunctionCall up to its argument count, then only
 * each argument's length). Of the server's messages only the type
 * ({@link #serverMessage}), which {@link ServerOrder} follows so that what is
 * recorded is what the server did. Parameter values and COPY data are skipped unread.
 *
 * <h2>What counts as one statement</h2>
 * <ul>
 *   <li><b>Simple Query ('Q')</b>: one event per message, with the text as sent (a
 *       multi-statement string such as {@code BEGIN; UPDATE …; COMMIT} is one event),
 *       parameter count 0.</li>
 *   <li><b>Extended protocol</b>: a Parse the server completes names the text; a Bind
 *       it completes pins that text and the Bind's parameter count to the portal; the
 *       <em>first</em> Execute of that portal emits one event. pgjdbc's
 *       Parse/Bind/Describe/Execute/Sync, or Bind/Execute/Sync once the statement is
 *       server-prepared, is one event per execution. An Execute that resumes a suspended
 *       portal (fetch size) emits nothing more. Close forgets a statement or portal.</li>
 *   <li><b>FunctionCall ('F')</b>, the legacy fast path (pgjdbc's large objects): one
 *       event, {@code <function call: oid N, argument sizes 4, null, …>}, parameter count
 *       = arguments. The values are never read.</li>
 *   <li>COPY data is not a statement.</li>
 * </ul>
 *
 * <h2>Names</h2>
 * PostgreSQL keys prepared statements and portals by their first 63 bytes
 * (NAMEDATALEN - 1), so the tap does too: a longer name is the same statement to both.
 * A name that does not end within the capture window ({@value #NAME_ROOM} bytes) hides
 * what follows it (a Parse's text, a Bind's statement): that statement is recorded as
 * {@link StatementText#UNATTRIBUTED_NAME}, never dropped. Only bytes captured from the
 * message at hand are ever read.
 *
 * <p>Confined to the session's event loop (both channels share it): no locks.
 */
public final class StatementTap {

    /** How much of a name is captured; PostgreSQL itself uses the first {@value #NAME_KEY} bytes. */
    private static final int NAME_ROOM = 256;
    private static final int NAME_KEY = 63;
    private static final int HEADER = 5;
    /** Argument sizes listed for a FunctionCall; more are counted, not listed. */
    private static final int LISTED_ARGUMENTS = 32;

    private final UUID sessionId;
    private final String clusterId;
    private final String email;
    private final StatementSink sink;
    private final int maxStatementBytes;
    private final Clock clock;
    private final ServerOrder server;

    private int headerSeen;
    private byte type;
    private int length;
    private int bodyLength;
    private int bodyRead;
    private int want;
    private byte[] captured = new byte[512];
    private FunctionArguments arguments;

    public StatementTap(UUID sessionId, String clusterId, String email, StatementSink sink, int maxStatementBytes,
                        Clock clock) {
        this.sessionId = sessionId;
        this.clusterId = clusterId;
        this.email = email;
        this.sink = sink;
        this.maxStatementBytes = maxStatementBytes;
        this.clock = clock;
        this.server = new ServerOrder(this::emit);
    }

    /** Accounts for the readable bytes the client sent in {@code buf}, without moving its indices. */
    public void advance(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            if (headerSeen < HEADER) {
                i = header(buf, i);
                continue;
            }
            int available = Math.min(bodyLength - bodyRead, end - i);
            int capture = Math.min(available, want - bodyRead);
            if (capture > 0) {
                buf.getBytes(i, captured, bodyRead, capture);
                bodyRead += capture;
                i += capture;
                wantMore();
            } else {
                if (arguments != null) {
                    arguments.skip(buf, i, available);
                }
                bodyRead += available;
                i += available;
            }
            if (bodyRead == bodyLength) {
                endOfMessage();
            }
        }
    }

    /** The server sent a message of {@code type} to the client (called at its header, in stream order). */
    public void serverMessage(byte type) {
        server.answered(type);
    }

    private int header(ByteBuf buf, int i) {
        byte b = buf.getByte(i);
        if (headerSeen == 0) {
            type = b;
            length = 0;
        } else {
            length = (length << 8) | (b & 0xFF);
        }
        if (++headerSeen == HEADER) {
            bodyLength = Math.max(0, length - 4);
            bodyRead = 0;
            arguments = null;
            want = initialWant();
            ensureRoom(want);
            if (bodyLength == 0) {
                endOfMessage();
            }
        }
        return i + 1;
    }

    /** How much of the body is worth reading: the text up to the limit, and names. */
    private int initialWant() {
        int wanted = switch (type) {
            case 'Q' -> maxStatementBytes + 1;
            case 'P' -> NAME_ROOM + maxStatementBytes + 1;
            case 'B' -> 2 * NAME_ROOM + 2;
            case 'E', 'C' -> NAME_ROOM + 1;
            case 'F' -> 6; // function oid, format-code count
            default -> 0;
        };
        return Math.min(bodyLength, wanted);
    }

    /** Bind and FunctionCall: the fixed fields after the names or format codes become known as they arrive. */
    private void wantMore() {
        if (type == 'B') {
            want = bindWant();
        } else if (type == 'F' && bodyRead == want && bodyRead >= 6) {
            int countAt = 6 + 2 * readShort(4);
            if (bodyRead < countAt + 2) {
                want = Math.min(bodyLength, countAt + 2);
            } else {
                arguments = new FunctionArguments(readShort(countAt));
            }
        }
        ensureRoom(want);
    }

    /** Bind: portal, statement, format-code count, the codes, then the parameter count we are after. */
    private int bindWant() {
        int portalEnd = nul(0);
        int statementEnd = portalEnd < 0 ? -1 : nul(portalEnd + 1);
        if (statementEnd < 0 || statementEnd + 3 > kept()) {
            return want;
        }
        int formats = readShort(statementEnd + 1);
        return Math.min(bodyLength, Math.max(want, statementEnd + 3 + 2 * formats + 2));
    }

    private void endOfMessage() {
        headerSeen = 0;
        switch (type) {
            case 'Q' -> server.sent(ServerOrder.Run.itself(queryText(), 0));
            case 'P' -> server.sent(parse());
            case 'B' -> server.sent(bind());
            case 'E' -> server.sent(ServerOrder.Run.execute(name(0)));
            case 'C' -> server.sent(close());
            case 'S' -> server.sent(new ServerOrder.Sync());
            case 'F' -> server.sent(functionCall());
            default -> {
                // not a statement, or not answered (Describe, Flush, COPY data)
            }
        }
    }

    private StatementText queryText() {
        int textLength = Math.max(0, bodyLength - 1);
        return StatementText.of(captured, 0, Math.min(kept(), textLength), maxStatementBytes,
                textLength > maxStatementBytes);
    }

    private ServerOrder.Parse parse() {
        int nameEnd = nul(0);
        if (nameEnd < 0) {
            return new ServerOrder.Parse(name(0), StatementText.UNATTRIBUTED_NAME);
        }
        int textEnd = nul(nameEnd + 1);
        int start = nameEnd + 1;
        StatementText text = textEnd < 0
                ? StatementText.of(captured, start, kept() - start, maxStatementBytes, true)
                : StatementText.of(captured, start, textEnd - start, maxStatementBytes, false);
        return new ServerOrder.Parse(name(0), text);
    }

    private ServerOrder.Bind bind() {
        int portalEnd = nul(0);
        int statementEnd = portalEnd < 0 ? -1 : nul(portalEnd + 1);
        int countAt = statementEnd < 0 || statementEnd + 3 > kept() ? -1 : statementEnd + 3 + 2 * readShort(statementEnd + 1);
        if (countAt < 0 || countAt + 2 > kept()) {
            return new ServerOrder.Bind(name(0), null, 0, StatementText.UNATTRIBUTED_NAME);
        }
        return new ServerOrder.Bind(name(0), name(portalEnd + 1), readShort(countAt), null);
    }

    private ServerOrder.Close close() {
        return new ServerOrder.Close(kept() < 1 ? (byte) 0 : captured[0], name(1));
    }

    private ServerOrder.Run functionCall() {
        int oid = kept() >= 4 ? readInt(0) : 0;
        StringBuilder text = new StringBuilder("<function call: oid ").append(Integer.toUnsignedString(oid));
        if (arguments == null) {
            text.append(", arguments unreadable>");
            return ServerOrder.Run.itself(StatementText.described(text.toString()), 0);
        }
        text.append(", argument sizes ").append(arguments.sizes()).append('>');
        return ServerOrder.Run.itself(StatementText.described(text.toString()), arguments.count);
    }

    private void emit(StatementText text, int parameterCount) {
        sink.offer(new AuditedStatement(sessionId, clusterId, email, text, parameterCount, clock.instant()));
    }

    /** The bytes of this message's body that were captured; nothing past them is ever read. */
    private int kept() {
        return Math.min(bodyRead, want);
    }

    private void ensureRoom(int size) {
        if (captured.length < size) {
            byte[] bigger = new byte[Math.max(size, captured.length * 2)];
            System.arraycopy(captured, 0, bigger, 0, Math.min(bodyRead, captured.length));
            captured = bigger;
        }
    }

    /** The NUL ending a string that starts at {@code from}, or -1 when it does not end within the captured bytes. */
    private int nul(int from) {
        for (int i = from; i < kept(); i++) {
            if (captured[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The name starting at {@code from} as the server keys it: its first 63 bytes, byte for
     * byte (Latin-1 maps each byte to one char, so no two byte strings become one key).
     */
    private String name(int from) {
        int end = nul(from);
        int to = Math.min(end < 0 ? kept() : end, from + NAME_KEY);
        return from >= to ? "" : new String(captured, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private int readShort(int at) {
        return ((captured[at] & 0xFF) << 8) | (captured[at + 1] & 0xFF);
    }

    private int readInt(int at) {
        return (readShort(at) << 16) | readShort(at + 2);
    }

    /** A FunctionCall's arguments after the fixed fields: each length is read, each value skipped. */
    private static final class FunctionArguments {
        final int count;
        private final StringBuilder listed = new StringBuilder();
        private int seen;
        private int lengthBytes;
        private int length;
        private long valueLeft;

        FunctionArguments(int count) {
            this.count = count;
        }

        void skip(ByteBuf buf, int from, int available) {
            int i = from;
            int end = from + available;
            while (i < end && seen < count) {
                if (valueLeft > 0) {
                    int step = (int) Math.min(valueLeft, end - i);
                    valueLeft -= step;
                    i += step;
                    continue;
                }
                length = (length << 8) | (buf.getByte(i++) & 0xFF);
                if (++lengthBytes == 4) {
                    argument(length);
                    valueLeft = Math.max(0, length);
                    lengthBytes = 0;
                    length = 0;
                }
            }
        }

        private void argument(int size) {
            if (seen < LISTED_ARGUMENTS) {
                listed.append(seen == 0 ? "" : ", ").append(size < 0 ? "null" : Integer.toString(size));
            } else if (seen == LISTED_ARGUMENTS) {
                listed.append(", …");
            }
            seen++;
        }

        String sizes() {
            return count == 0 ? "none" : listed + (seen < count ? " (message ended early)" : "");
        }
    }
}
