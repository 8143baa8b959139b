package io.nais.pg.access.gateway.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Follows message boundaries in a raw byte stream without framing it: only the
 * five header bytes of each message are looked at, bodies are skipped. The relay
 * uses it to know whether it may inject an ErrorResponse before closing a session
 * (writing one in the middle of a DataRow would corrupt the client's stream).
 */
public final class MessageBoundary {

    private static final int HEADER = 5;

    private int headerBytesSeen;
    private int length;
    private long bodyRemaining;

    /** Accounts for the readable bytes of {@code buf}, without moving its indices. */
    public void advance(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            if (bodyRemaining > 0) {
                int skip = (int) Math.min(bodyRemaining, end - i);
                i += skip;
                bodyRemaining -= skip;
                continue;
            }
            byte b = buf.getByte(i++);
            if (headerBytesSeen++ == 0) {
                length = 0;
                continue;
            }
            length = (length << 8) | (b & 0xFF);
            if (headerBytesSeen == HEADER) {
                headerBytesSeen = 0;
                bodyRemaining = Math.max(0, length - 4);
            }
        }
    }

    /** True when the bytes seen so far end exactly at the end of a message. */
    public boolean atBoundary() {
        return headerBytesSeen == 0 && bodyRemaining == 0;
    }
}
