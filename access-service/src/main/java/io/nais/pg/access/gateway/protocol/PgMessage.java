package io.nais.pg.access.gateway.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * One typed message: {@code byte type, int32 length, body}. {@link #frame()} is the
 * whole message as received (for forwarding without re-encoding); {@link #body()} a
 * slice of it. The receiver releases it.
 */
public final class PgMessage extends AbstractReferenceCounted {

    private final byte type;
    private final ByteBuf frame;

    PgMessage(byte type, ByteBuf frame) {
        this.type = type;
        this.frame = frame;
    }

    public char type() {
        return (char) type;
    }

    public ByteBuf frame() {
        return frame;
    }

    /** A fresh slice of the body; reading it does not move the frame's indices. */
    public ByteBuf body() {
        return frame.slice(frame.readerIndex() + 5, frame.readableBytes() - 5);
    }

    @Override
    protected void deallocate() {
        frame.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        frame.touch(hint);
        return this;
    }
}
