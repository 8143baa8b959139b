package io.nais.pg.cli.proxy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The few PostgreSQL v3 wire messages the proxy itself reads or writes during
 * the handshake. After the handshake it never parses a byte: it relays.
 */
final class PgWire {

    static final int PROTOCOL_3 = 196608;
    static final int SSL_REQUEST = 80877103;
    static final int GSSENC_REQUEST = 80877104;
    static final int CANCEL_REQUEST = 80877102;

    static final byte AUTHENTICATION = 'R';
    static final byte ERROR_RESPONSE = 'E';
    static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';
    static final byte READY_FOR_QUERY = 'Z';
    static final int AUTH_OK = 0;
    static final int AUTH_CLEARTEXT_PASSWORD = 3;

    /** Same bound as PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
    private static final int MAX_STARTUP_LENGTH = 10_000;
    /** Handshake messages are small; a larger one is a broken or hostile peer. */
    private static final int MAX_HANDSHAKE_MESSAGE = 1 << 20;

    private PgWire() {
    }

    /** A length-prefixed packet without a type byte: SSLRequest, CancelRequest, StartupMessage. */
    record StartupPacket(int code, byte[] payload) {

        Map<String, String> parameters() {
            Map<String, String> parameters = new LinkedHashMap<>();
            int i = 0;
            while (i < payload.length && payload[i] != 0) {
                int keyEnd = indexOfZero(payload, i);
                int valueEnd = indexOfZero(payload, keyEnd + 1);
                parameters.put(string(payload, i, keyEnd), string(payload, keyEnd + 1, valueEnd));
                i = valueEnd + 1;
            }
            return parameters;
        }

        /** The packet as it came: what a CancelRequest is forwarded as. */
        byte[] encode() {
            return ByteBuffer.allocate(8 + payload.length).putInt(8 + payload.length).putInt(code).put(payload).array();
        }
    }

    /** A typed backend message. */
    record Message(byte type, byte[] payload) {

        int authenticationCode() {
            return ByteBuffer.wrap(payload).getInt();
        }

        byte[] encode() {
            return ByteBuffer.allocate(5 + payload.length).put(type).putInt(4 + payload.length).put(payload).array();
        }

        /** Field code → value of an ErrorResponse or NoticeResponse. */
        Map<Character, String> fields() {
            Map<Character, String> fields = new LinkedHashMap<>();
            int i = 0;
            while (i < payload.length && payload[i] != 0) {
                int end = indexOfZero(payload, i + 1);
                fields.put((char) payload[i], string(payload, i + 1, end));
                i = end + 1;
            }
            return fields;
        }
    }

    static StartupPacket readStartupPacket(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int length = data.readInt();
        if (length < 8 || length > MAX_STARTUP_LENGTH) {
            throw new ProtocolException("invalid startup packet length " + length);
        }
        int code = data.readInt();
        byte[] payload = new byte[length - 8];
        data.readFully(payload);
        return new StartupPacket(code, payload);
    }

    static Message readMessage(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int type = data.read();
        if (type < 0) {
            throw new EOFException("connection closed");
        }
        int length = data.readInt();
        if (length < 4 || length > MAX_HANDSHAKE_MESSAGE) {
            throw new ProtocolException("invalid message length " + length);
        }
        byte[] payload = new byte[length - 4];
        data.readFully(payload);
        return new Message((byte) type, payload);
    }

    static byte[] startupMessage(Map<String, String> parameters) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        parameters.forEach((key, value) -> {
            body.writeBytes(cString(key));
            body.writeBytes(cString(value));
        });
        body.write(0);
        return new StartupPacket(PROTOCOL_3, body.toByteArray()).encode();
    }

    static byte[] sslRequest() {
        return ByteBuffer.allocate(8).putInt(8).putInt(SSL_REQUEST).array();
    }

    static byte[] passwordMessage(String password) {
        return new Message((byte) 'p', cString(password)).encode();
    }

    static byte[] terminate() {
        return new Message((byte) 'X', new byte[0]).encode();
    }

    /** A FATAL ErrorResponse, which psql and every driver show as the reason the connection failed. */
    static byte[] fatal(String sqlState, String message) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String field : new String[] {"SFATAL", "VFATAL", "C" + sqlState, "M" + message}) {
            body.writeBytes(cString(field));
        }
        body.write(0);
        return new Message(ERROR_RESPONSE, body.toByteArray()).encode();
    }

    private static byte[] cString(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return terminated;
    }

    private static int indexOfZero(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        throw new ProtocolException("unterminated string in message");
    }

    private static String string(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }

    /** The peer broke the protocol. */
    static final class ProtocolException extends RuntimeException {
        ProtocolException(String message) {
            super(message);
        }
    }
}
