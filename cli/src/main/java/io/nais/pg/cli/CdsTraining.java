package io.nais.pg.cli;

import io.nais.pg.cli.auth.AccessTokens;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.proxy.GatewayDialer;
import io.nais.pg.cli.proxy.LocalProxy;
import io.nais.pg.cli.proxy.ProxyLog;
import io.nais.pg.cli.proxy.Route;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The training run an AppCDS archive is recorded from ({@code -XX:ArchiveClassesAtExit};
 * bin/nais and the installable archive's build): it walks the hot paths once (help,
 * configuration, token decoding, a proxy bind, {@code postgres psql} up to starting
 * psql, with its TLS handshake to the gateway) so that the archive holds their classes
 * and every later start skips loading and verifying them. Touches nothing outside a
 * temporary directory; talks to no server but its own on loopback.
 */
public final class CdsTraining {

    private static final String KEY_PASSWORD = "training";

    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Files.createTempDirectory("nais-cds");
        try (ServerSocket gateway = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            gateway.setSoTimeout(10_000); // a training that never dials must still end
            Path certificate = makeTrainingKey(directory);
            Thread answering = new Thread(() -> answerOnce(gateway, directory), "nais-cds-training-gateway");
            answering.start();
            Environment environment = new Environment(Map.of("NAIS_CONFIG_DIR", directory.toString(),
                    "NAIS_TOKEN", unsignedToken(), "NAIS_TEAM", "team", "NAIS_GATEWAY_HOST", "127.0.0.1",
                    "NAIS_GATEWAY_PORT", Integer.toString(gateway.getLocalPort()), "NAIS_GATEWAY_CA_FILE", certificate.toString(),
                    "PATH", System.getenv().getOrDefault("PATH", "")), directory);
            runCommands(environment);
            answering.join();
            bindAProxy(environment);
        } finally {
            try (var files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * {@code postgres psql} runs the whole launch path: the gateway dialed ahead (the TLS
     * handshake, most of what psql loads beyond {@code --help}), psql located and started,
     * its connection taken by the proxy and its startup sent on; the training gateway then
     * hangs up, so psql ends with the proxy's 08001. Without psql on this machine the
     * command ends with exit 9 after the same dial.
     */
    private static void runCommands(Environment environment) {
        PrintWriter discard = new PrintWriter(Writer.nullWriter());
        for (String[] command : new String[][] {{"--help"}, {"postgres", "proxy", "--help"}, {"postgres", "psql", "--help"},
                {"auth", "--help"}, {"auth", "status"}, {"auth", "print-access-token"},
                {"postgres", "psql", "app", "--", "-X", "-c", "select 1"}}) {
            Nais.launch(environment, discard, discard, command);
        }
    }

    private static void bindAProxy(Environment environment) {
        CliConfig config = CliConfig.load(environment);
        Route route = Route.resolve(config, "app", null);
        try (LocalProxy proxy = new LocalProxy(route, new AccessTokens(config, environment),
                GatewayDialer.fromConfig(config, route), 1, ProxyLog.quiet())) {
            proxy.start("127.0.0.1", 0);
        }
    }

    /**
     * A CA and a server key under it for this run only, made by the runtime's own keytool (a
     * chain, so certificate path validation is trained too); returns the CA's certificate (PEM).
     */
    private static Path makeTrainingKey(Path directory) throws IOException, InterruptedException {
        String keyStore = directory.resolve("training.p12").toString();
        String request = directory.resolve("server.csr").toString();
        String signed = directory.resolve("server.crt").toString();
        Path ca = directory.resolve("ca.crt");
        keytool(keyStore, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=nais training CA",
                "-ext", "bc:c", "-validity", "1");
        keytool(keyStore, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-validity", "1");
        keytool(keyStore, "-certreq", "-alias", "server", "-file", request);
        keytool(keyStore, "-gencert", "-alias", "ca", "-infile", request, "-outfile", signed, "-ext", "san=ip:127.0.0.1",
                "-validity", "1", "-rfc");
        keytool(keyStore, "-importcert", "-alias", "server", "-file", signed, "-noprompt");
        keytool(keyStore, "-exportcert", "-alias", "ca", "-rfc", "-file", ca.toString());
        return ca;
    }

    /** Answers one PostgreSQL SSLRequest with 'S' and the server half of the handshake, reads a byte of the startup, hangs up. */
    private static void answerOnce(ServerSocket server, Path directory) {
        try (Socket tcp = server.accept()) {
            tcp.getInputStream().readNBytes(8);
            tcp.getOutputStream().write('S');
            try (SSLSocket socket = (SSLSocket) serverTls(directory).getSocketFactory().createSocket(tcp, null, true)) {
                socket.setUseClientMode(false);
                socket.startHandshake();
                socket.getInputStream().read();
            }
        } catch (IOException | java.security.GeneralSecurityException e) {
            // the training goes on without the handshake
        }
    }

    private static SSLContext serverTls(Path directory) throws IOException, java.security.GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(directory.resolve("training.p12"))) {
            keys.load(in, KEY_PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, KEY_PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        return tls;
    }

    private static void keytool(String keyStore, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        command.addAll(List.of("-keystore", keyStore, "-storepass", KEY_PASSWORD));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (process.waitFor() != 0) {
            throw new IOException("keytool " + arguments[0] + " failed");
        }
    }

    /** Shaped like a token so the decoding path runs; signed by nobody, sent nowhere. */
    private static String unsignedToken() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String payload = "{\"email\":\"training@example.invalid\",\"exp\":" + (System.currentTimeMillis() / 1000 + 3600) + "}";
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".x";
    }
}
