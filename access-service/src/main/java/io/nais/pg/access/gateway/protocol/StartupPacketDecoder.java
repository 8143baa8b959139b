package io.nais.pg.access.gateway.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes untyped startup packets: {@code int32 length, int32 code, body}.
 *
 * <p>The length is checked before any byte of the body is buffered, so an
 * oversized or lying length costs the gateway nothing but the 8-byte header.
 * Anything malformed raises {@link ProtocolViolation}; the handler behind turns it
 * into an ErrorResponse and closes.
 */
public final class StartupPacketDecoder extends ByteToMessageDecoder {

    static final int SSL_REQUEST_CODE = 80877103;
    static final int GSSENC_REQUEST_CODE = 80877104;
    static final int CANCEL_REQUEST_CODE = 80877102;
    private static final int HEADER = 8;
    private static final int CANCEL_LENGTH = 16;
    private static final int MAX_PARAMETERS = 64;

    private final int maxPacketLength;

    public StartupPacketDecoder(int maxPacketLength) {
        this.maxPacketLength = maxPacketLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < HEADER) {
            return;
        }
        int start = in.readerIndex();
        int length = in.getInt(start);
        if (length < HEADER || length > maxPacketLength) {
            throw new ProtocolViolation("invalid length of startup packet");
        }
        if (in.readableBytes() < length) {
            return;
        }
        int code = in.getInt(start + 4);
        ByteBuf body = in.slice(start + HEADER, length - HEADER);
        in.skipBytes(length);
        out.add(packet(code, length, body));
    }

    private static StartupPacket packet(int code, int length, ByteBuf body) {
        return switch (code) {
            case SSL_REQUEST_CODE -> expectEmpty(length, new StartupPacket.SslRequest());
            case GSSENC_REQUEST_CODE -> expectEmpty(length, new StartupPacket.GssEncRequest());
            case CANCEL_REQUEST_CODE -> cancel(length, body);
            default -> startup(code, body);
        };
    }

    private static StartupPacket expectEmpty(int length, StartupPacket packet) {
        if (length != HEADER) {
            throw new ProtocolViolation("invalid length of startup packet");
        }
        return packet;
    }

    private static StartupPacket cancel(int length, ByteBuf body) {
        if (length != CANCEL_LENGTH) {
            throw new ProtocolViolation("invalid length of cancel request");
        }
        return new StartupPacket.CancelRequest(new CancelKey(body.getInt(0), body.getInt(4)));
    }

    private static StartupPacket startup(int version, ByteBuf body) {
        if (version >>> 16 != 3) {
            throw new ProtocolViolation("unsupported frontend protocol " + (version >>> 16) + "." + (version & 0xFFFF)
                    + ": server supports 3.0");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        while (true) {
            String name = CStrings.read(body);
            if (name.isEmpty()) {
                break;
            }
            if (parameters.size() == MAX_PARAMETERS) {
                throw new ProtocolViolation("too many startup parameters");
            }
            parameters.put(name, CStrings.read(body));
        }
        if (body.isReadable()) {
            throw new ProtocolViolation("invalid startup packet layout: expected terminator as last byte");
        }
        return new StartupPacket.StartupMessage(version, Map.copyOf(parameters));
    }
}
