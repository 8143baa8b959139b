package io.nais.pg.access.gateway.protocol;

import java.util.Map;

/**
 * The first packet a client sends on a connection (no type byte, only a length
 * and a request code), decoded by {@link StartupPacketDecoder}.
 */
public sealed interface StartupPacket {

    /** "Please switch to TLS"; answered with a single byte. */
    record SslRequest() implements StartupPacket {
    }

    /** "Please switch to GSSAPI encryption"; the gateway always declines. */
    record GssEncRequest() implements StartupPacket {
    }

    /** Cancel the query running on the session identified by the key the server handed out. */
    record CancelRequest(CancelKey key) implements StartupPacket {
    }

    /** Protocol version plus name/value parameters ({@code user}, {@code database}, ...). */
    record StartupMessage(int protocolVersion, Map<String, String> parameters) implements StartupPacket {

        public int majorVersion() {
            return protocolVersion >>> 16;
        }

        public int minorVersion() {
            return protocolVersion & 0xFFFF;
        }

        public String parameter(String name) {
            return parameters.get(name);
        }
    }
}
