package io.nais.pg.access.gateway.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Encoders for the few messages the gateway itself writes, and readers for the few it inspects. */
public final class Messages {

    public static final byte SSL_ACCEPTED = 'S';
    public static final byte SSL_REFUSED = 'N';
    public static final char AUTHENTICATION = 'R';
    public static final char ERROR_RESPONSE = 'E';
    public static final char BACKEND_KEY_DATA = 'K';
    public static final char READY_FOR_QUERY = 'Z';
    public static final char PASSWORD = 'p';
    public static final char TERMINATE = 'X';
    public static final int AUTH_OK = 0;
    private static final int AUTH_CLEARTEXT_PASSWORD = 3;
    private static final int PROTOCOL_3_0 = 196608;

    private Messages() {
    }

    public static ByteBuf singleByte(ByteBufAllocator alloc, byte value) {
        return alloc.buffer(1).writeByte(value);
    }

    public static ByteBuf errorResponse(ByteBufAllocator alloc, PgError error) {
        ByteBuf buf = alloc.buffer();
        buf.writeByte(ERROR_RESPONSE).writeInt(0);
        field(buf, 'S', error.severity());
        field(buf, 'V', error.severity());
        field(buf, 'C', error.sqlState());
        field(buf, 'M', error.message());
        buf.writeByte(0);
        return withLength(buf);
    }

    public static ByteBuf authenticationCleartextPassword(ByteBufAllocator alloc) {
        return alloc.buffer(9).writeByte(AUTHENTICATION).writeInt(8).writeInt(AUTH_CLEARTEXT_PASSWORD);
    }

    public static ByteBuf authenticationOk(ByteBufAllocator alloc) {
        return alloc.buffer(9).writeByte(AUTHENTICATION).writeInt(8).writeInt(AUTH_OK);
    }

    public static ByteBuf backendKeyData(ByteBufAllocator alloc, CancelKey key) {
        return alloc.buffer(13).writeByte(BACKEND_KEY_DATA).writeInt(12).writeInt(key.processId()).writeInt(key.secret());
    }

    /** Tells a client that asked for protocol 3.x (x &gt; 0) that 3.0 is spoken and which options were ignored. */
    public static ByteBuf negotiateProtocolVersion(ByteBufAllocator alloc, List<String> unsupportedOptions) {
        ByteBuf buf = alloc.buffer();
        buf.writeByte('v').writeInt(0).writeInt(PROTOCOL_3_0).writeInt(unsupportedOptions.size());
        unsupportedOptions.forEach(option -> CStrings.write(buf, option));
        return withLength(buf);
    }

    public static ByteBuf sslRequest(ByteBufAllocator alloc) {
        return alloc.buffer(8).writeInt(8).writeInt(StartupPacketDecoder.SSL_REQUEST_CODE);
    }

    public static ByteBuf cancelRequest(ByteBufAllocator alloc, CancelKey key) {
        return alloc.buffer(16).writeInt(16).writeInt(StartupPacketDecoder.CANCEL_REQUEST_CODE)
                .writeInt(key.processId()).writeInt(key.secret());
    }

    /** A protocol 3.0 StartupMessage with the parameters in the given order. */
    public static ByteBuf startupMessage(ByteBufAllocator alloc, Map<String, String> parameters) {
        ByteBuf buf = alloc.buffer();
        buf.writeInt(0).writeInt(PROTOCOL_3_0);
        parameters.forEach((name, value) -> {
            CStrings.write(buf, name);
            CStrings.write(buf, value);
        });
        buf.writeByte(0);
        buf.setInt(0, buf.readableBytes());
        return buf;
    }

    /** The password of a PasswordMessage. */
    public static String password(PgMessage message) {
        if (message.type() != PASSWORD) {
            throw new ProtocolViolation("expected password response, got message type " + message.type());
        }
        ByteBuf body = message.body();
        String password = CStrings.read(body);
        if (body.isReadable()) {
            throw new ProtocolViolation("invalid password message");
        }
        return password;
    }

    /** The authentication request code of an 'R' message. */
    public static int authenticationCode(PgMessage message) {
        return message.body().getInt(0);
    }

    public static CancelKey backendKey(PgMessage message) {
        ByteBuf body = message.body();
        if (body.readableBytes() != 8) {
            throw new ProtocolViolation("unsupported cancel key length");
        }
        return new CancelKey(body.getInt(0), body.getInt(4));
    }

    /** Fields of an ErrorResponse or NoticeResponse, by field code. */
    public static Map<Character, String> errorFields(PgMessage message) {
        Map<Character, String> fields = new HashMap<>();
        ByteBuf body = message.body();
        while (body.isReadable()) {
            byte code = body.readByte();
            if (code == 0) {
                break;
            }
            fields.put((char) code, CStrings.read(body));
        }
        return fields;
    }

    private static void field(ByteBuf buf, char code, String value) {
        buf.writeByte(code);
        CStrings.write(buf, value);
    }

    private static ByteBuf withLength(ByteBuf buf) {
        buf.setInt(1, buf.readableBytes() - 1);
        return buf;
    }
}
