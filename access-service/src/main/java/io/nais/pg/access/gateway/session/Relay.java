package io.nais.pg.access.gateway.session;

import io.nais.pg.access.gateway.audit.StatementTap;
import io.nais.pg.access.gateway.protocol.MessageBoundary;
import io.nais.pg.kit.logging.LogContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Copies bytes one way between two connections, unframed and without copying
 * (the received buffer is written as is).
 *
 * <p>Backpressure: when the sink's outbound buffer passes its high-water mark the
 * source stops reading; the handler of the opposite direction sits on the sink and
 * resumes the source when the sink drains. Both channels share one event loop, so
 * none of this needs locks.
 *
 * <p>Observers read the bytes in place before they are passed on: the server's
 * message boundaries (to end a session cleanly) and, on the client's side, the
 * statement audit tap. {@code channelRead} sets no MDC: it is the hot path and logs
 * nothing; the handlers that do log (failure, close) carry the session's context.
 */
final class Relay {

    private static final Logger LOG = Logger.getLogger(Relay.class);

    static final String HANDLER = "relay";

    private Relay() {
    }

    static Direction join(Session session, Channel source, Channel sink, AtomicLong counter, MessageBoundary boundary,
                          StatementTap tap) {
        return new Direction(session, source, sink, counter, boundary, tap);
    }

    static final class Direction extends ChannelInboundHandlerAdapter {

        private final Channel source;
        private final Channel sink;
        private final AtomicLong counter;
        private final MessageBoundary boundary;
        private final StatementTap tap;
        private final Session session;

        private Direction(Session session, Channel source, Channel sink, AtomicLong counter, MessageBoundary boundary,
                          StatementTap tap) {
            this.session = session;
            this.source = source;
            this.sink = sink;
            this.counter = counter;
            this.boundary = boundary;
            this.tap = tap;
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
            if (tap != null) {
                tap.advance(buf);
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
                try (LogContext log = session.logContext()) {
                    LOG.debugf("%s closed the session first", source == session.client() ? "client" : "cluster");
                }
                sink.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            try (LogContext log = session.logContext()) {
                LOG.debugf("relay failed, closing the session: %s", cause.toString());
            }
            ctx.close();
        }
    }
}
