package io.nais.pg.cli.proxy;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.ExitCode;
import io.nais.pg.cli.auth.TokenSet;
import io.nais.pg.cli.proxy.GatewayDialer.GatewayUnreachableException;
import io.nais.pg.cli.proxy.PgWire.Message;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import javax.net.ssl.SSLSocket;

/**
 * One real login through the gateway before the proxy says it is ready, so
 * that an unknown app, a refusal or an unreachable gateway is told once, at
 * start, with an exit code, instead of to every client later.
 */
public final class GatewayCheck {

    static final String UNKNOWN_DATABASE = "3D000";
    static final String INVALID_AUTHORIZATION = "28000";
    static final String INVALID_PASSWORD = "28P01";

    private GatewayCheck() {
    }

    public static void run(GatewayDialer dialer, Route route, TokenSet token) {
        try (SetupDeadline deadline = SetupDeadline.start(); SSLSocket tls = dial(dialer, deadline)) {
            Map<String, String> parameters = GatewayLogin.startupParameters(
                    Map.of("application_name", "nais-proxy-check"), route.gatewayUser(token.identity()), route.clusterId());
            byte[] login = GatewayLogin.login(tls.getInputStream(), tls.getOutputStream(), parameters, token.accessToken(),
                    SetupTimer.start());
            awaitReady(new ByteArrayInputStream(login), route);
            tls.getOutputStream().write(PgWire.terminate());
            tls.getOutputStream().flush();
        } catch (IOException | PgWire.ProtocolException e) {
            throw new CliException(ExitCode.GATEWAY_UNREACHABLE, "The gateway at " + dialer.address()
                    + " broke off the login to " + route.clusterId() + " (" + e.getMessage() + ").", e);
        }
    }

    private static SSLSocket dial(GatewayDialer dialer, SetupDeadline deadline) {
        try {
            return dialer.dial(deadline, SetupTimer.start());
        } catch (GatewayUnreachableException e) {
            throw new CliException(ExitCode.GATEWAY_UNREACHABLE, e.getMessage()
                    + ". Check gateway.host/gateway.port and your network.", e);
        }
    }

    private static void awaitReady(InputStream replies, Route route) throws IOException {
        while (true) {
            Message message = PgWire.readMessage(replies);
            if (message.type() == PgWire.READY_FOR_QUERY) {
                return;
            }
            if (message.type() == PgWire.ERROR_RESPONSE) {
                throw refusal(message.fields(), route);
            }
        }
    }

    /** The gateway's own words go through untouched; the SQLSTATE picks the exit code. */
    static CliException refusal(Map<Character, String> fields, Route route) {
        String sqlState = fields.getOrDefault('C', "");
        String said = fields.getOrDefault('M', "(no message)");
        return switch (sqlState) {
            case UNKNOWN_DATABASE -> new CliException(ExitCode.UNKNOWN_TARGET, "The gateway does not know "
                    + route.clusterId() + ": " + said + " (check the app name and --team)");
            case INVALID_AUTHORIZATION, INVALID_PASSWORD -> new CliException(ExitCode.ACCESS_DENIED,
                    "The gateway refused access to " + route.clusterId() + ": " + said);
            default -> new CliException(ExitCode.FAILED, "The gateway refused the login to " + route.clusterId()
                    + ": " + said + " (SQLSTATE " + sqlState + ")");
        };
    }
}
