package io.nais.pg.access.gateway.audit;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Watches the client→cluster byte stream of one session and reports each
 * statement the client runs, without framing or copying the stream: the relay
 * still writes the received buffer as is. Only the five header bytes of every
 * message are read, plus a bounded prefix of the bodies that name statements
 * (Query, Parse, Bind up to its parameter count, Execute, Close). Parameter values
 * (the rest of Bind) and COPY data are skipped unread.
 *
 * <h2>What counts as one statement</h2>
 * <ul>
 *   <li><b>Simple Query ('Q')</b>: one event per message, with the text as sent (a
 *       multi-statement string such as {@code BEGIN; UPDATE …; COMMIT} is one event),
 *       parameter count 0.</li>
 *   <li><b>Extended protocol</b>: Parse remembers the text under the statement name
 *       (the unnamed statement is replaced by the next unnamed Parse); Bind pins that
 *       text and the Bind's parameter count to the portal; the <em>first</em> Execute of
 *       that portal emits one event. pgjdbc's Parse/Bind/Describe/Execute/Sync, or
 *       Bind/Execute/Sync once the statement is server-prepared, is one event per
 *       execution. An Execute that resumes a suspended portal (fetch size) emits
 *       nothing more. Close forgets a statement or portal.</li>
 *   <li>The legacy function call ('F') and COPY data are not statements.</li>
 * </ul>
 *
 * <p>Confined to the session's event loop: no locks. Memory per session is bounded:
 * at most {@value #MAX_PREPARED} remembered statements (oldest forgotten first; an
 * Execute of a forgotten one is recorded as {@link StatementText#UNKNOWN}).
 */
public final class StatementTap {

    /** PostgreSQL cuts identifiers at 63 bytes; names in the protocol are small in practice. */
    private static final int NAME_ROOM = 256;
    private static final int HEADER = 5;
    static final int MAX_PREPARED = 4096;

    private final UUID sessionId;
    private final String clusterId;
    private final String email;
    private final StatementSink sink;
    private final int maxStatementBytes;
    private final Clock clock;

    private int headerSeen;
    private byte type;
    private int length;
    private int bodyLength;
    private int bodyRead;
    private int want;
    private byte[] captured = new byte[512];

    private final Map<String, StatementText> statements = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, StatementText> eldest) {
            return size() > MAX_PREPARED;
        }
    };
    private final Map<String, Portal> portals = new HashMap<>();

    private static final class Portal {
        final StatementText text;
        final int parameterCount;
        boolean executed;

        Portal(StatementText text, int parameterCount) {
            this.text = text;
            this.parameterCount = parameterCount;
        }
    }

    public StatementTap(UUID sessionId, String clusterId, String email, StatementSink sink, int maxStatementBytes,
                        Clock clock) {
        this.sessionId = sessionId;
        this.clusterId = clusterId;
        this.email = email;
        this.sink = sink;
        this.maxStatementBytes = maxStatementBytes;
        this.clock = clock;
    }

    /** Accounts for the readable bytes of {@code buf}, without moving its indices. */
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
                if (type == 'B') {
                    want = bindWant();
                    ensureRoom(want);
                }
            } else {
                bodyRead += available;
                i += available;
            }
            if (bodyRead == bodyLength) {
                endOfMessage();
            }
        }
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
            default -> 0;
        };
        return Math.min(bodyLength, wanted);
    }

    /** Bind: portal, statement, format-code count, the codes, then the parameter count we are after. */
    private int bindWant() {
        int portalEnd = nul(0, bodyRead);
        int statementEnd = portalEnd < 0 ? -1 : nul(portalEnd + 1, bodyRead);
        if (statementEnd < 0 || statementEnd + 3 > bodyRead) {
            return want;
        }
        int formats = readShort(statementEnd + 1);
        return Math.min(bodyLength, statementEnd + 3 + 2 * formats + 2);
    }

    private void endOfMessage() {
        headerSeen = 0;
        switch (type) {
            case 'Q' -> simpleQuery();
            case 'P' -> parse();
            case 'B' -> bind();
            case 'E' -> execute();
            case 'C' -> close();
            default -> {
                // not a statement
            }
        }
    }

    private void simpleQuery() {
        int textLength = Math.max(0, bodyLength - 1);
        int kept = Math.min(bodyRead, textLength);
        emit(StatementText.of(captured, 0, kept, maxStatementBytes, textLength > maxStatementBytes), 0);
    }

    private void parse() {
        int nameEnd = nul(0, bodyRead);
        if (nameEnd < 0) {
            return;
        }
        int textEnd = nul(nameEnd + 1, bodyRead);
        int start = nameEnd + 1;
        StatementText text = textEnd < 0
                ? StatementText.of(captured, start, bodyRead - start, maxStatementBytes, true)
                : StatementText.of(captured, start, textEnd - start, maxStatementBytes, false);
        statements.put(string(0, nameEnd), text);
    }

    private void bind() {
        int portalEnd = nul(0, bodyRead);
        int statementEnd = portalEnd < 0 ? -1 : nul(portalEnd + 1, bodyRead);
        if (statementEnd < 0 || statementEnd + 3 > bodyRead) {
            return;
        }
        int countAt = statementEnd + 3 + 2 * readShort(statementEnd + 1);
        int parameters = countAt + 2 <= bodyRead ? readShort(countAt) : 0;
        StatementText text = statements.getOrDefault(string(portalEnd + 1, statementEnd), StatementText.UNKNOWN);
        portals.put(string(0, portalEnd), new Portal(text, parameters));
    }

    private void execute() {
        int portalEnd = nul(0, bodyRead);
        Portal portal = portalEnd < 0 ? null : portals.get(string(0, portalEnd));
        if (portal != null && !portal.executed) {
            portal.executed = true;
            emit(portal.text, portal.parameterCount);
        }
    }

    private void close() {
        int nameEnd = nul(1, bodyRead);
        if (bodyRead < 1 || nameEnd < 0) {
            return;
        }
        String name = string(1, nameEnd);
        if (captured[0] == 'S') {
            statements.remove(name);
        } else if (captured[0] == 'P') {
            portals.remove(name);
        }
    }

    private void emit(StatementText text, int parameterCount) {
        sink.offer(new AuditedStatement(sessionId, clusterId, email, text, parameterCount, clock.instant()));
    }

    private void ensureRoom(int size) {
        if (captured.length < size) {
            byte[] bigger = new byte[Math.max(size, captured.length * 2)];
            System.arraycopy(captured, 0, bigger, 0, bodyRead);
            captured = bigger;
        }
    }

    private int nul(int from, int to) {
        for (int i = from; i < to; i++) {
            if (captured[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private int readShort(int at) {
        return ((captured[at] & 0xFF) << 8) | (captured[at + 1] & 0xFF);
    }

    private String string(int from, int to) {
        return from == to ? "" : new String(captured, from, to - from, StandardCharsets.UTF_8);
    }
}
