package io.nais.pg.access.gateway.backend;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * The gateway's sockets, client and backend alike: Netty's epoll transport on Linux,
 * which relays a message with a read and a write where NIO adds selector work and
 * wake-ups (the gateway's CPU per relayed query is what it costs next to a direct
 * connection), else NIO. Chosen once: a backend connection runs on its client's event
 * loop, and a loop only serves channels of its own transport.
 */
public final class SocketTransport {

    private static final boolean EPOLL = Epoll.isAvailable();

    private SocketTransport() {
    }

    public static EventLoopGroup eventLoops(int threads, ThreadFactory threadFactory) {
        return EPOLL ? new EpollEventLoopGroup(threads, threadFactory) : new NioEventLoopGroup(threads, threadFactory);
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** For the start-up log line. */
    public static String name() {
        return EPOLL ? "epoll" : "nio";
    }
}
