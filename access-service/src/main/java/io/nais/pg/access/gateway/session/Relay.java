package io.nais.pg.access.gateway.session;

import io.nais.pg.access.gateway.protocol.MessageBoundary;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies bytes one way between two connections, unframed and without copying
 * (the received buffer is written as is).
 *
 * <p>Backpressure: when the sink's outbound buffer passes its high-water mark the
 * source stops reading; the handler of the opposite direction sits on the sink and
 * resumes the source when the sink drains. Both channels share one event loop, so
 * none of this needs locks.
 */
final class Relay {

    static final String HANDLER = "relay";

    private Relay() {
    }

    static Direction join(Channel source, Channel sink, AtomicLong counter, MessageBoundary boundary) {
        return new Direction(source, sink, counter, boundary);
    }

    static final class Direction extends ChannelInboundHandlerAdapter {

        private final Channel source;
        private final Channel sink;
        private final AtomicLong counter;
        private final MessageBoundary boundary;

        private Direction(Channel source, Channel sink, AtomicLong counter, MessageBoundary boundary) {
            this.source = source;
            this.sink = sink;
            this.counter = counter;
            this.boundary = boundary;
        }

        void start() {
            source.pipeline().addLast(HANDLER, this);
            source.config().setAutoRead(sink.isWritable());
        }

        boolean atMessageBoundary() {
            return boundary == null || boundary.atBoundary();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            counter.addAndGet(buf.readableBytes());
            if (boundary != null) {
                boundary.advance(buf);
            }
            sink.write(buf, sink.voidPromise());
            if (!sink.isWritable()) {
                sink.flush();
                source.config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            sink.flush();
        }

        /** This channel is the sink of the opposite direction: let that direction's source read again. */
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (source.isWritable() && sink.isActive()) {
                sink.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        /** Whichever side closes first, the other gets what was already sent, then closes. */
        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (sink.isActive()) {
                sink.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
