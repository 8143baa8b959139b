package io.nais.pg.access.gateway.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Follows message boundaries in a raw byte stream without framing it: only the
 * five header bytes of each message are looked at, bodies are skipped. The relay
 * uses it to know whether it may inject an ErrorResponse before closing a session
 * (writing one in the middle of a DataRow would corrupt the client's stream).
 * A {@link Listener} learns the type of each message as its header completes (the
 * statement audit follows the server's answers with it).
 */
public final class MessageBoundary {

    /** Told the type byte of each message, in stream order; runs on the event loop and must not block. */
    @FunctionalInterface
    public interface Listener {
        void message(byte type);
    }

    private static final int HEADER = 5;

    private final Listener listener;
    private int headerBytesSeen;
    private byte type;
    private int length;
    private long bodyRemaining;

    public MessageBoundary() {
        this(null);
    }

    public MessageBoundary(Listener listener) {
        this.listener = listener;
    }

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
                type = b;
                length = 0;
                continue;
            }
            length = (length << 8) | (b & 0xFF);
            if (headerBytesSeen == HEADER) {
                headerBytesSeen = 0;
                bodyRemaining = Math.max(0, length - 4);
                if (listener != null) {
                    listener.message(type);
                }
            }
        }
    }

    /** True when the bytes seen so far end exactly at the end of a message. */
    public boolean atBoundary() {
        return headerBytesSeen == 0 && bodyRemaining == 0;
    }
}
