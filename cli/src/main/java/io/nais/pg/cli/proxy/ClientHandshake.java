package io.nais.pg.cli.proxy;

import io.nais.pg.cli.proxy.PgWire.StartupPacket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * The local client's side of the handshake. Loopback traffic stays plaintext:
 * an SSLRequest or GSSENCRequest gets 'N' (the client then goes on in the
 * clear, as libpq's sslmode=prefer and pgjdbc's default do); TLS starts at the
 * proxy, towards the gateway.
 */
final class ClientHandshake {

    /** SSLRequest, then GSSENCRequest, then the startup: never more than that. */
    private static final int MAX_NEGOTIATIONS = 2;

    sealed interface ClientRequest permits Startup, Cancel {
    }

    /** A session request, with the client's startup parameters. */
    record Startup(Map<String, String> parameters) implements ClientRequest {
    }

    /** A cancel of a query running on another connection; forwarded as it came. */
    record Cancel(StartupPacket packet) implements ClientRequest {
        @Override
        public String toString() {
            return "Cancel[key hidden]";
        }
    }

    private ClientHandshake() {
    }

    static ClientRequest read(InputStream in, OutputStream out) throws IOException {
        for (int negotiations = 0; ; negotiations++) {
            StartupPacket packet = PgWire.readStartupPacket(in);
            int code = packet.code();
            if ((code == PgWire.SSL_REQUEST || code == PgWire.GSSENC_REQUEST) && negotiations < MAX_NEGOTIATIONS) {
                out.write('N');
                out.flush();
            } else if (code == PgWire.CANCEL_REQUEST && packet.payload().length == 8) {
                return new Cancel(packet);
            } else if (code >>> 16 == 3) {
                return new Startup(packet.parameters());
            } else {
                throw new PgWire.ProtocolException("unsupported frontend protocol " + (code >>> 16) + "." + (code & 0xffff));
            }
        }
    }
}
