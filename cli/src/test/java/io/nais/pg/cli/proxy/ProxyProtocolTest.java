package io.nais.pg.cli.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.cli.Environment;
import io.nais.pg.cli.auth.AccessTokens;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.testing.PasswordTlsPostgres;
import io.nais.pg.cli.testing.TestTokens;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy's wire protocol against a real PostgreSQL that logs people in the
 * way the gateway does ({@link PasswordTlsPostgres}), with real psql and pgjdbc
 * as clients.
 */
class ProxyProtocolTest {

    static final String EMAIL = "ada@example.com";

    @TempDir
    static Path directory;
    static PasswordTlsPostgres server;
    static String token;

    LocalProxy proxy;

    @BeforeAll
    static void startServer() throws Exception {
        server = new PasswordTlsPostgres(directory.resolve("server"));
        token = TestTokens.accessToken(EMAIL, Duration.ofHours(1));
        server.addPerson(EMAIL, token);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void psqlThroughTheProxyIsThePersonOnTheClusterWithNoPassword() throws Exception {
        InetSocketAddress address = startProxy(PasswordTlsPostgres.APP, server.port(), server.caFile(), 8);

        Psql result = psql(address, "someone-else", "whatever-db", "select current_user || ' ' || current_database()");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().strip()).isEqualTo(EMAIL + " " + PasswordTlsPostgres.CLUSTER_ID);
    }

    @Test
    void psqlAndPgjdbcUseTheProxyAtTheSameTime() throws Exception {
        InetSocketAddress address = startProxy(PasswordTlsPostgres.APP, server.port(), server.caFile(), 16);
        List<Connection> jdbc = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                jdbc.add(jdbc(address));
            }
            CompletableFuture<Psql> psql = CompletableFuture.supplyAsync(() -> psql(address, "x", "y", "select count(*) from pg_stat_activity where usename = '" + EMAIL + "'"));
            for (Connection connection : jdbc) {
                try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("select current_user")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo(EMAIL);
                }
            }
            Psql result = psql.get(60, TimeUnit.SECONDS);
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(Integer.parseInt(result.out().strip())).isEqualTo(7);
        } finally {
            for (Connection connection : jdbc) {
                connection.close();
            }
        }
    }

    @Test
    void queryCancelTravelsThroughTheProxyToTheServer() throws Exception {
        InetSocketAddress address = startProxy(PasswordTlsPostgres.APP, server.port(), server.caFile(), 8);
        try (Connection connection = jdbc(address); Statement statement = connection.createStatement()) {
            CompletableFuture<Void> cancel = CompletableFuture.runAsync(() -> {
                Awaitility.await().atMost(Duration.ofSeconds(20))
                        .until(() -> server.cluster().isRunning(EMAIL, "select pg_sleep"));
                try {
                    statement.cancel();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            // 57014 (query_canceled) comes only from the cancel: the query itself would end normally after 30 s
            assertThatThrownBy(() -> statement.execute("select pg_sleep(30)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
            cancel.join();
        }
    }

    /**
     * The relay's buffers, TLS records and backpressure: a value and COPY data many times a
     * relay buffer and a TLS record, both ways, arrive intact and in order.
     */
    @Test
    void largeValuesAndCopyDataCrossTheProxyIntactBothWays() throws Exception {
        InetSocketAddress address = startProxy(PasswordTlsPostgres.APP, server.port(), server.caFile(), 8);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            lines.append(i).append(' ').append("x".repeat(i % 700)).append('\n');
        }
        String big = "ab".repeat(1_500_000);
        try (Connection connection = jdbc(address); Statement statement = connection.createStatement()) {
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            statement.execute("create temp table relayed (line text)");
            assertThat(copy.copyIn("copy relayed from stdin", new StringReader(lines.toString()))).isEqualTo(20_000);
            StringWriter copiedOut = new StringWriter();
            copy.copyOut("copy (select line from relayed order by split_part(line, ' ', 1)::int) to stdout", copiedOut);
            assertThat(copiedOut.toString()).isEqualTo(lines.toString());

            try (PreparedStatement echo = connection.prepareStatement("select ?::text || repeat('c', 2000000)")) {
                echo.setString(1, big);
                try (ResultSet rs = echo.executeQuery()) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo(big + "c".repeat(2_000_000));
                }
            }
        }
    }

    @Test
    void gatewayErrorResponseReachesTheClientUntouched() throws Exception {
        InetSocketAddress address = startProxy(PasswordTlsPostgres.REFUSED_APP, server.port(), server.caFile(), 8);
        SQLException direct = refusalWithoutTheProxy();

        assertThatThrownBy(() -> jdbc(address)).isInstanceOfSatisfying(SQLException.class, viaProxy -> {
            assertThat(viaProxy.getSQLState()).isEqualTo("28000").isEqualTo(direct.getSQLState());
            assertThat(viaProxy.getMessage()).isEqualTo(direct.getMessage());
        });
    }

    @Test
    void rejectedTokenIsRefusedWithTheServersSqlState() throws Exception {
        String other = "eve@example.com";
        server.addPerson(other, "not-the-token-eve-holds");
        proxy = new LocalProxy(route(PasswordTlsPostgres.APP, server.port()),
                tokensFor(TestTokens.accessToken(other, Duration.ofHours(1))),
                new GatewayDialer("127.0.0.1", server.port(), GatewayDialer.trusting(server.caFile())), 8, ProxyLog.quiet());
        InetSocketAddress address = proxy.start("127.0.0.1", 0);

        assertThatThrownBy(() -> jdbc(address)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void unreachableGatewayIsToldToTheClientWithSqlState08001() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        InetSocketAddress address = startProxy(PasswordTlsPostgres.APP, closedPort, server.caFile(), 8);

        Psql result = psql(address, "x", "y", "select 1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Cannot reach the gateway at 127.0.0.1:" + closedPort);
        assertThatThrownBy(() -> jdbc(address)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo("08001"));
    }

    /** The set-up is bounded by closing the socket (SetupDeadline), not by a socket timeout: it still ends. */
    @Test
    void gatewayThatNeverAnswersIsToldToTheClientWithSqlState08001() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            InetSocketAddress address = startProxy(PasswordTlsPostgres.APP, silent.getLocalPort(), server.caFile(), 8);

            assertThatThrownBy(() -> jdbc(address)).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("08001");
                assertThat(e.getMessage()).contains("no TLS connection within " + SetupDeadline.MILLIS / 1000 + " s");
            });
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);
        }
    }

    @Test
    void gatewayWithAnUntrustedCertificateIsNotSentTheToken() throws Exception {
        InetSocketAddress address = startProxy(PasswordTlsPostgres.APP, server.port(), null, 8);

        assertThatThrownBy(() -> jdbc(address)).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).contains("Cannot reach the gateway").contains("SSLHandshake");
        });
    }

    @Test
    void clientsPastTheConnectionLimitGetSqlState53300AndOthersKeepWorking() throws Exception {
        InetSocketAddress address = startProxy(PasswordTlsPostgres.APP, server.port(), server.caFile(), 2);
        try (Connection first = jdbc(address); Connection second = jdbc(address)) {
            assertThatThrownBy(() -> jdbc(address)).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getSQLState()).isEqualTo("53300"));
            try (Statement statement = first.createStatement()) {
                assertThat(statement.execute("select 1")).isTrue();
            }
        }
    }

    @Test
    void stopLetsOpenSessionsFinishAndRefusesNewOnes() throws Exception {
        InetSocketAddress address = startProxy(PasswordTlsPostgres.APP, server.port(), server.caFile(), 8);
        Connection open = jdbc(address);
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> proxy.stop(Duration.ofSeconds(30)));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> refusesNewConnections(address));

        try (Statement statement = open.createStatement(); ResultSet rs = statement.executeQuery("select 42")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
        assertThatThrownBy(() -> jdbc(address)).isInstanceOf(SQLException.class);
        assertThat(stopping).isNotDone();

        open.close();
        stopping.get(5, TimeUnit.SECONDS);
        assertThat(proxy.openConnections()).isZero();
    }

    static SQLException refusalWithoutTheProxy() {
        Properties properties = new Properties();
        properties.setProperty("user", EMAIL);
        properties.setProperty("password", token);
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", server.caFile().toString());
        try (Connection ignored = DriverManager.getConnection(server.cluster().jdbcUrl(PasswordTlsPostgres.TEAM + "/" + PasswordTlsPostgres.REFUSED_APP), properties)) {
            throw new AssertionError("the server let us in");
        } catch (SQLException e) {
            return e;
        }
    }

    private InetSocketAddress startProxy(String app, int gatewayPort, Path caFile, int maxConnections) {
        proxy = new LocalProxy(route(app, gatewayPort), tokensFor(token),
                new GatewayDialer("127.0.0.1", gatewayPort, GatewayDialer.trusting(caFile)), maxConnections, ProxyLog.quiet());
        return proxy.start("127.0.0.1", 0);
    }

    static Route route(String app, int gatewayPort) {
        return new Route(PasswordTlsPostgres.TEAM, app, "127.0.0.1", gatewayPort);
    }

    static AccessTokens tokensFor(String accessToken) {
        Environment environment = new Environment(Map.of("NAIS_TOKEN", accessToken,
                "NAIS_CONFIG_DIR", directory.resolve("config").toString()), directory);
        return new AccessTokens(CliConfig.load(environment), environment);
    }

    static Connection jdbc(InetSocketAddress address) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "ignored-by-the-proxy");
        properties.setProperty("sslmode", "disable");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + address.getPort() + "/anything", properties);
    }

    record Psql(int exitCode, String out, String err) {
    }

    static Psql psql(InetSocketAddress address, String user, String database, String sql) {
        try {
            Process process = new ProcessBuilder(server.cluster().binDir().resolve("psql").toString(), "-X", "-A", "-t",
                    "-h", "127.0.0.1", "-p", Integer.toString(address.getPort()), "-U", user, "-d", database, "-c", sql)
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(60, TimeUnit.SECONDS);
            return new Psql(process.exitValue(), out, err);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A connection attempt fails (a probe that got in closes again, so it holds up no drain). */
    private static boolean refusesNewConnections(InetSocketAddress address) {
        try (Connection accepted = jdbc(address)) {
            return false;
        } catch (SQLException refused) {
            return true;
        }
    }
}
