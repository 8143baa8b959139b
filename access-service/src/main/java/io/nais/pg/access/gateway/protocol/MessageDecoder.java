package io.nais.pg.access.gateway.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames typed messages ({@code byte type, int32 length, body}) during the
 * handshake only: the relay forwards raw bytes and never frames. The length limit
 * is checked from the header, before the body is buffered.
 */
public final class MessageDecoder extends ByteToMessageDecoder {

    private static final int HEADER = 5;

    private final int maxMessageLength;

    public MessageDecoder(int maxMessageLength) {
        this.maxMessageLength = maxMessageLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < HEADER) {
            return;
        }
        int start = in.readerIndex();
        int length = in.getInt(start + 1);
        if (length < 4 || length > maxMessageLength) {
            throw new ProtocolViolation("invalid message length");
        }
        if (in.readableBytes() < length + 1) {
            return;
        }
        byte type = in.getByte(start);
        out.add(new PgMessage(type, in.readRetainedSlice(length + 1)));
    }
}
