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
 * Everything else the gateway says, including an ErrorResponse, is handed back
 * untouched for the client to see.
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
     * Sends the startup and answers the password request. Returns the gateway's
     * messages read on the way that the client must still receive (an
     * ErrorResponse, a protocol negotiation, an AuthenticationOk); after the
     * password the rest is relayed as it arrives.
     */
    static byte[] login(InputStream in, OutputStream out, Map<String, String> parameters, String token) throws IOException {
        out.write(PgWire.startupMessage(parameters));
        out.flush();
        ByteArrayOutputStream forClient = new ByteArrayOutputStream();
        while (true) {
            Message message = PgWire.readMessage(in);
            if (message.type() == PgWire.AUTHENTICATION && message.authenticationCode() == PgWire.AUTH_CLEARTEXT_PASSWORD) {
                out.write(PgWire.passwordMessage(token));
                out.flush();
                return forClient.toByteArray();
            }
            forClient.writeBytes(message.encode());
            if (message.type() == PgWire.AUTHENTICATION && message.authenticationCode() == PgWire.AUTH_OK
                    || message.type() == PgWire.ERROR_RESPONSE) {
                return forClient.toByteArray();
            }
            if (message.type() != PgWire.NEGOTIATE_PROTOCOL_VERSION) {
                throw new PgWire.ProtocolException(message.type() == PgWire.AUTHENTICATION
                        ? "the gateway asked for authentication method " + message.authenticationCode() + ", which nais does not speak"
                        : "unexpected message '" + (char) message.type() + "' from the gateway during login");
            }
        }
    }
}
