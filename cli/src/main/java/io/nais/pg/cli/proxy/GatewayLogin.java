package io.nais.pg.cli.proxy;

import io.nais.pg.cli.proxy.PgWire.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The proxy's side of the gateway handshake: the client's startup goes on with
 * {@code user} = the person's identity and {@code database} = the cluster id,
 * whatever the client asked for (one proxy serves one app); the gateway's
 * cleartext password request (safe inside TLS) is answered with the token.
 * Everything else the gateway says up to the end of the login, including an
 * ErrorResponse, is handed back untouched for the client to see.
 */
final class GatewayLogin {

    private GatewayLogin() {
    }

    /** Parameters the proxy sets itself; the client's values for these are dropped. */
    static Map<String, String> startupParameters(Map<String, String> fromClient, String identity, String clusterId) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", identity);
        parameters.put("database", clusterId);
        fromClient.forEach((key, value) -> {
            if (!key.equals("user") && !key.equals("database")) {
                parameters.put(key, value);
            }
        });
        return parameters;
    }

    /**
     * Sends the startup, answers the password request and reads on to the end of
     * the login: ReadyForQuery, or an ErrorResponse. Returns what the client must
     * receive (everything the gateway said but its password request), so the client
     * gets its whole login in one write, and the relay starts at the first query.
     *
     * @param timer gets the steps "startup" (to the password request) and "login" (to the end of the login)
     */
    static byte[] login(InputStream in, OutputStream out, Map<String, String> parameters, String token, SetupTimer timer)
            throws IOException {
        out.write(PgWire.startupMessage(parameters));
        out.flush();
        ByteArrayOutputStream forClient = new ByteArrayOutputStream();
        boolean authenticated = false;
        while (true) {
            Message message = PgWire.readMessage(in);
            if (!authenticated && message.type() == PgWire.AUTHENTICATION
                    && message.authenticationCode() == PgWire.AUTH_CLEARTEXT_PASSWORD) {
                timer.step("startup");
                out.write(PgWire.passwordMessage(token));
                out.flush();
                continue;
            }
            forClient.writeBytes(message.encode());
            if (message.type() == PgWire.READY_FOR_QUERY || message.type() == PgWire.ERROR_RESPONSE) {
                timer.step("login");
                return forClient.toByteArray();
            }
            if (message.type() == PgWire.AUTHENTICATION && message.authenticationCode() == PgWire.AUTH_OK) {
                authenticated = true;
            } else if (!authenticated && message.type() != PgWire.NEGOTIATE_PROTOCOL_VERSION) {
                throw new PgWire.ProtocolException(message.type() == PgWire.AUTHENTICATION
                        ? "the gateway asked for authentication method " + message.authenticationCode() + ", which nais does not speak"
                        : "unexpected message '" + (char) message.type() + "' from the gateway during login");
            }
        }
    }
}
