package io.nais.pg.cli.proxy;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.auth.AccessTokens;
import io.nais.pg.cli.auth.TokenSet;
import io.nais.pg.cli.proxy.ClientHandshake.Cancel;
import io.nais.pg.cli.proxy.ClientHandshake.ClientRequest;
import io.nais.pg.cli.proxy.ClientHandshake.Startup;
import io.nais.pg.cli.proxy.GatewayDialer.GatewayUnreachableException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/**
 * One local client connection, from its first byte to its close. Every
 * failure before the relay reaches the client as a FATAL ErrorResponse with a
 * SQLSTATE, so psql or the driver shows the reason instead of "server closed
 * the connection unexpectedly".
 */
final class ProxiedConnection implements Runnable {

    static final String NOT_AUTHORISED = "28000";
    static final String CANNOT_CONNECT = "08001";
    static final String PROTOCOL_VIOLATION = "08P01";
    static final String TOO_MANY_CONNECTIONS = "53300";

    private final int id;
    private final Socket client;
    private final Route route;
    private final AccessTokens tokens;
    private final GatewayDialer dialer;
    private final ProxyLog log;
    private final SetupTimer timer = SetupTimer.start();
    private final SetupDeadline deadline = SetupDeadline.start();
    private volatile Socket gateway;

    ProxiedConnection(int id, Socket client, Route route, AccessTokens tokens, GatewayDialer dialer, ProxyLog log) {
        this.id = id;
        this.client = client;
        this.route = route;
        this.tokens = tokens;
        this.dialer = dialer;
        this.log = log;
    }

    @Override
    public void run() {
        try {
            client.setTcpNoDelay(true);
            deadline.waitOn(client);
            ClientRequest request = ClientHandshake.read(client.getInputStream(), client.getOutputStream());
            timer.step("client");
            if (request instanceof Cancel cancel) {
                forwardCancel(cancel);
            } else {
                session((Startup) request);
            }
        } catch (PgWire.ProtocolException e) {
            refuse(PROTOCOL_VIOLATION, "nais proxy: " + e.getMessage());
        } catch (IOException e) {
            // The client went away during the handshake: nobody left to tell.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deadline.close();
            close();
        }
    }

    /** Ends the connection now (used when the proxy stops). */
    void close() {
        Relay.closeQuietly(client);
        Socket g = gateway;
        if (g != null) {
            Relay.closeQuietly(g);
        }
    }

    private void session(Startup startup) throws IOException, InterruptedException {
        TokenSet token = currentToken();
        if (token == null) {
            return;
        }
        timer.step("token");
        SSLSocket tls = connectGateway();
        if (tls == null) {
            return;
        }
        byte[] forClient;
        try {
            forClient = GatewayLogin.login(tls.getInputStream(), tls.getOutputStream(),
                    GatewayLogin.startupParameters(startup.parameters(), route.gatewayUser(token.identity()), route.clusterId()), token.accessToken(),
                    timer);
        } catch (IOException e) {
            String what = deadline.expired() ? "did not finish the login within " + SetupDeadline.MILLIS / 1000 + " s"
                    : "closed the connection during login";
            log.problem("connection " + id + ": the gateway " + what);
            refuse(CANNOT_CONNECT, "nais: the gateway at " + dialer.address() + " " + what);
            return;
        }
        deadline.close();
        client.getOutputStream().write(forClient);
        client.getOutputStream().flush();
        timer.step("to-client");
        log.connection(() -> "connection " + id + " from " + client.getRemoteSocketAddress() + ": relaying to " + route.clusterId()
                + " (" + timer.summary() + ")");
        Relay.run(client, tls, "nais-proxy-" + id);
        log.connection(() -> "connection " + id + ": closed");
    }

    private TokenSet currentToken() {
        try {
            return tokens.current();
        } catch (CliException e) {
            log.problem("connection " + id + ": " + e.getMessage());
            refuse(NOT_AUTHORISED, "nais: " + e.getMessage());
            return null;
        }
    }

    private SSLSocket connectGateway() {
        try {
            SSLSocket tls = dialer.dial(deadline, timer);
            gateway = tls;
            return tls;
        } catch (GatewayUnreachableException e) {
            log.problem("connection " + id + ": " + e.getMessage());
            refuse(CANNOT_CONNECT, "nais: " + e.getMessage());
            return null;
        }
    }

    private void forwardCancel(Cancel cancel) {
        try (SSLSocket tls = dialer.dial(deadline, SetupTimer.start())) {
            tls.getOutputStream().write(cancel.packet().encode());
            tls.getOutputStream().flush();
            // The server closes without an answer; waiting for that close makes sure it arrived.
            tls.getInputStream().read();
        } catch (GatewayUnreachableException | IOException e) {
            log.problem("connection " + id + ": could not forward a query cancel: " + e.getMessage());
        }
    }

    private void refuse(String sqlState, String message) {
        try {
            OutputStream out = client.getOutputStream();
            out.write(PgWire.fatal(sqlState, message));
            out.flush();
        } catch (IOException e) {
            // The client is gone; the reason was logged by the caller where it matters.
        }
    }
}
