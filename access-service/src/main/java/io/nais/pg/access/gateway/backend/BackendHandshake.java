package io.nais.pg.access.gateway.backend;

import io.nais.pg.access.directory.AccessDirectory.ClusterEndpoint;
import io.nais.pg.access.gateway.protocol.CancelKey;
import io.nais.pg.access.gateway.protocol.MessageDecoder;
import io.nais.pg.access.gateway.protocol.Messages;
import io.nais.pg.access.gateway.protocol.PgError;
import io.nais.pg.access.gateway.protocol.PgMessage;
import io.nais.pg.access.gateway.protocol.SqlState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The backend side of the handshake, as a small state machine:
 * SSLRequest → 'S' → TLS → StartupMessage → AuthenticationOk → ParameterStatus* /
 * BackendKeyData → ReadyForQuery. Removes itself when the backend is ready.
 */
final class BackendHandshake extends ChannelInboundHandlerAdapter {

    static final String HANDLER = "backend-handshake";
    private static final String DECODER = "backend-decoder";
    private static final int MAX_HANDSHAKE_MESSAGE = 64 * 1024;

    private enum State { AWAIT_SSL_ANSWER, AWAIT_TLS, AWAIT_AUTH, AWAIT_READY, DONE }

    private final SslContext sslContext;
    private final ClusterEndpoint endpoint;
    private final boolean verifyHostname;
    private final Map<String, String> startup;
    private final Promise<BackendReady> ready;
    private State state = State.AWAIT_SSL_ANSWER;
    private CompositeByteBuf statusMessages;
    private CancelKey backendKey;

    BackendHandshake(SslContext sslContext, ClusterEndpoint endpoint, boolean verifyHostname,
                     Map<String, String> startup, Promise<BackendReady> ready) {
        this.sslContext = sslContext;
        this.endpoint = endpoint;
        this.verifyHostname = verifyHostname;
        this.startup = startup;
        this.ready = ready;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        statusMessages = ctx.alloc().compositeBuffer();
        ctx.writeAndFlush(Messages.sslRequest(ctx.alloc()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (state) {
                case AWAIT_SSL_ANSWER -> sslAnswer(ctx, (ByteBuf) msg);
                case AWAIT_AUTH -> authentication(ctx, (PgMessage) msg);
                case AWAIT_READY -> status(ctx, (PgMessage) msg);
                default -> fail(ctx, PgError.fatal(SqlState.PROTOCOL_VIOLATION,
                        "cluster \"" + endpoint.clusterId() + "\" sent an unexpected message"), "backend-protocol-violation");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void sslAnswer(ChannelHandlerContext ctx, ByteBuf answer) {
        if (answer.readableBytes() != 1 || answer.getByte(answer.readerIndex()) != Messages.SSL_ACCEPTED) {
            fail(ctx, PgError.fatal(SqlState.CONNECTION_FAILURE,
                    "cluster \"" + endpoint.clusterId() + "\" does not accept TLS"), "backend-without-tls");
            return;
        }
        state = State.AWAIT_TLS;
        SslHandler tls = sslContext.newHandler(ctx.alloc(), endpoint.host(), endpoint.port());
        if (verifyHostname) {
            SSLEngine engine = tls.engine();
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
        }
        ctx.pipeline().addFirst("tls", tls);
        ctx.pipeline().addBefore(HANDLER, DECODER, new MessageDecoder(MAX_HANDSHAKE_MESSAGE));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent completion && state == State.AWAIT_TLS) {
            if (!completion.isSuccess()) {
                fail(ctx, PgError.fatal(SqlState.CONNECTION_FAILURE,
                        "TLS with cluster \"" + endpoint.clusterId() + "\" failed; the cluster's certificate is not trusted"),
                        "backend-tls-failed");
                return;
            }
            state = State.AWAIT_AUTH;
            ctx.writeAndFlush(Messages.startupMessage(ctx.alloc(), startup));
        }
        ctx.fireUserEventTriggered(event);
    }

    private void authentication(ChannelHandlerContext ctx, PgMessage message) {
        if (message.type() == Messages.ERROR_RESPONSE) {
            refusedByBackend(ctx, message);
        } else if (message.type() == Messages.AUTHENTICATION && Messages.authenticationCode(message) == Messages.AUTH_OK) {
            state = State.AWAIT_READY;
        } else if (message.type() == Messages.AUTHENTICATION) {
            // pg_hba chose another method than cert for this role: a cluster set-up error, never a password prompt
            fail(ctx, PgError.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "cluster \"" + endpoint.clusterId() + "\" does not accept the gateway's certificate login"
                            + " (pg_hba.conf needs: hostssl all +nais_human <gateway-cidr> cert)"), "backend-auth-method");
        } else if (message.type() != 'v') {
            fail(ctx, PgError.fatal(SqlState.PROTOCOL_VIOLATION,
                    "cluster \"" + endpoint.clusterId() + "\" sent an unexpected message"), "backend-protocol-violation");
        }
    }

    private void status(ChannelHandlerContext ctx, PgMessage message) {
        switch (message.type()) {
            case Messages.ERROR_RESPONSE -> refusedByBackend(ctx, message);
            case Messages.BACKEND_KEY_DATA -> backendKey = Messages.backendKey(message);
            case Messages.READY_FOR_QUERY -> ready(ctx, message);
            default -> statusMessages.addComponent(true, message.frame().retain());
        }
    }

    private void ready(ChannelHandlerContext ctx, PgMessage readyForQuery) {
        state = State.DONE;
        ctx.channel().config().setAutoRead(false);
        CompositeByteBuf handedOver = statusMessages;
        statusMessages = null;
        if (!ready.trySuccess(new BackendReady(ctx.channel(), backendKey, handedOver, readyForQuery.frame().retain()))) {
            handedOver.release();
            ctx.close();
            return;
        }
        // after the success listener installed the relay, so bytes the decoder still holds flow into it
        ctx.pipeline().remove(this);
        ctx.pipeline().remove(DECODER);
    }

    /** The cluster's own error (e.g. the role does not exist) is what the person should read. */
    private void refusedByBackend(ChannelHandlerContext ctx, PgMessage error) {
        Map<Character, String> fields = Messages.errorFields(error);
        String code = fields.getOrDefault('C', SqlState.INVALID_AUTHORIZATION_SPECIFICATION);
        fail(ctx, PgError.fatal(code, fields.getOrDefault('M', "cluster refused the login")), "backend-refused-" + code);
    }

    private void fail(ChannelHandlerContext ctx, PgError error, String reason) {
        state = State.DONE;
        releaseStatusMessages();
        ready.tryFailure(new BackendRefused(error, reason));
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, PgError.fatal(SqlState.CONNECTION_FAILURE,
                "connection to cluster \"" + endpoint.clusterId() + "\" failed"), "backend-connection-failed");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state != State.DONE) {
            fail(ctx, PgError.fatal(SqlState.CONNECTION_FAILURE,
                    "cluster \"" + endpoint.clusterId() + "\" closed the connection during login"), "backend-closed");
        }
        releaseStatusMessages();
        ctx.fireChannelInactive();
    }

    private void releaseStatusMessages() {
        if (statusMessages != null) {
            statusMessages.release();
            statusMessages = null;
        }
    }
}
