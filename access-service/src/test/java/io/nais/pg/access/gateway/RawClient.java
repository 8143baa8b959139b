package io.nais.pg.access.gateway;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A byte-level client for what real drivers never send: malformed, truncated,
 * oversized and random packets, and slow clients.
 */
final class RawClient implements AutoCloseable {

    static final int SSL_REQUEST = 80877103;
    static final int GSSENC_REQUEST = 80877104;
    static final int PROTOCOL_3_0 = 196608;

    private Socket socket;
    private DataInputStream in;
    private OutputStream out;

    RawClient(int port) throws IOException {
        this("127.0.0.1", port);
    }

    /** Connects from {@code localAddress} (any 127.x.y.z on Linux), so the gateway's records of it are told apart. */
    RawClient(String localAddress, int port) throws IOException {
        socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(localAddress), 0);
        socket.setSoTimeout(5000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends SSLRequest, expects 'S', and continues over TLS trusting {@code caKeyStore}. */
    void startTls(KeyStore trusted) throws Exception {
        send(packet(SSL_REQUEST, new byte[0]));
        int answer = in.read();
        if (answer != 'S') {
            throw new IllegalStateException("expected S, got " + answer);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
        tls.startHandshake();
        socket = tls;
        in = new DataInputStream(tls.getInputStream());
        out = tls.getOutputStream();
    }

    /** Logs in over TLS as {@code user} on {@code database} with {@code token}; returns once the session is ready. */
    void login(KeyStore trusted, String user, String database, String token) throws Exception {
        startTls(trusted);
        send(startup(Map.of("user", user, "database", database)));
        Message auth = read();
        if (auth.type() != 'R') {
            throw new IllegalStateException("expected an authentication request, got " + auth.type() + " " + auth.fields());
        }
        send(password(token));
        List<Message> answers = untilReady();
        if (answers.stream().anyMatch(m -> m.type() == 'E')) {
            throw new IllegalStateException("login refused: " + answers);
        }
    }

    /** Reads messages up to and including ReadyForQuery. */
    List<Message> untilReady() throws IOException {
        List<Message> messages = new ArrayList<>();
        Message message;
        do {
            message = read();
            messages.add(message);
        } while (message.type() != 'Z');
        return messages;
    }

    int readByte() throws IOException {
        return in.read();
    }

    /** Reads one typed message; returns its type and body. */
    Message read() throws IOException {
        int type = in.readUnsignedByte();
        int length = in.readInt();
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return new Message((char) type, body);
    }

    /** Reads until an ErrorResponse and returns its SQLSTATE, or null when the server closed without one. */
    String errorSqlState() throws IOException {
        try {
            while (true) {
                Message message = read();
                if (message.type() == 'E') {
                    return message.fields().get('C');
                }
            }
        } catch (EOFException e) {
            return null;
        }
    }

    /** True when the server closed the connection (read returns EOF) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            while (in.read() >= 0) {
                // drain whatever was sent before the close
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static byte[] packet(int code, byte[] body) {
        return ByteBuffer.allocate(8 + body.length).putInt(8 + body.length).putInt(code).put(body).array();
    }

    static byte[] startup(Map<String, String> parameters) {
        StringBuilder text = new StringBuilder();
        parameters.forEach((k, v) -> text.append(k).append('\0').append(v).append('\0'));
        text.append('\0');
        return packet(PROTOCOL_3_0, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static byte[] password(String password) {
        byte[] value = (password + "\0").getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + value.length).put((byte) 'p').putInt(4 + value.length).put(value).array();
    }

    record Message(char type, byte[] body) {
        Map<Character, String> fields() {
            Map<Character, String> fields = new LinkedHashMap<>();
            int i = 0;
            while (i < body.length && body[i] != 0) {
                char code = (char) body[i++];
                int end = i;
                while (body[end] != 0) {
                    end++;
                }
                fields.put(code, new String(body, i, end - i, StandardCharsets.UTF_8));
                i = end + 1;
            }
            return fields;
        }
    }
}
