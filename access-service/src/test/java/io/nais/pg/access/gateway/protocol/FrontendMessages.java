package io.nais.pg.access.gateway.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Client protocol messages, byte for byte, for tests that speak the protocol themselves. */
public final class FrontendMessages {

    private FrontendMessages() {
    }

    public static byte[] query(String sql) {
        return message('Q', cstring(sql));
    }

    public static byte[] parse(String name, String sql) {
        return message('P', cstring(name), cstring(sql), new byte[] {0, 0});
    }

    /** Bind with text parameters (one format code: text), text results. */
    public static byte[] bind(String portal, String statement, String... values) {
        ByteBuf body = Unpooled.buffer();
        body.writeBytes(cstring(portal)).writeBytes(cstring(statement));
        body.writeShort(1).writeShort(0);
        body.writeShort(values.length);
        for (String value : values) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            body.writeInt(bytes.length).writeBytes(bytes);
        }
        body.writeShort(0);
        return message('B', bytes(body));
    }

    public static byte[] execute(String portal) {
        return message('E', cstring(portal), new byte[] {0, 0, 0, 0});
    }

    public static byte[] describePortal(String portal) {
        return message('D', new byte[] {'P'}, cstring(portal));
    }

    public static byte[] sync() {
        return message('S');
    }

    public static byte[] close(char kind, String name) {
        return message('C', new byte[] {(byte) kind}, cstring(name));
    }

    /** FunctionCall: oid, one format code (binary) for every argument, the arguments (null = SQL NULL), binary result. */
    public static byte[] functionCall(int oid, byte[]... arguments) {
        ByteBuf body = Unpooled.buffer();
        body.writeInt(oid).writeShort(1).writeShort(1).writeShort(arguments.length);
        for (byte[] argument : arguments) {
            if (argument == null) {
                body.writeInt(-1);
            } else {
                body.writeInt(argument.length).writeBytes(argument);
            }
        }
        body.writeShort(1);
        return message('F', bytes(body));
    }

    public static byte[] copyData(int size) {
        byte[] data = new byte[size];
        Arrays.fill(data, (byte) 'Q');
        return message('d', data);
    }

    /** Several messages as one write, as a pipelining client sends them. */
    public static byte[] all(byte[]... messages) {
        return bytes(Unpooled.wrappedBuffer(messages));
    }

    private static byte[] cstring(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    private static byte[] message(char type, byte[]... parts) {
        ByteBuf buf = Unpooled.buffer();
        int length = 4;
        for (byte[] part : parts) {
            length += part.length;
        }
        buf.writeByte(type).writeInt(length);
        for (byte[] part : parts) {
            buf.writeBytes(part);
        }
        return bytes(buf);
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }
}
