package io.nais.pg.access.gateway;

import static io.nais.pg.access.gateway.GatewayHarness.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.copy.CopyManager;

/** Real clients (psql, pgjdbc) log in with a token and work through the gateway against a real cluster. */
@QuarkusTest
@TestProfile(GatewayEnabledProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class RealClientsThroughGatewayTest {

    private static GatewayHarness h;

    @BeforeAll
    static void start() {
        h = GatewayHarness.shared();
    }

    @Test
    void psqlLogsInWithTokenAsThePersonsOwnRole() throws Exception {
        GatewayHarness.Psql psql = h.psql(h.libpq(ALICE), h.tokens.valid(ALICE),
                "select current_user || ' ' || (select count(*) from customers)");
        assertThat(psql.output()).isEqualTo(ALICE + " 3");
        assertThat(psql.exit()).isZero();
    }

    @Test
    void pgjdbcSimpleProtocolWorks() throws Exception {
        Properties simple = new Properties();
        simple.setProperty("preferQueryMode", "simple");
        try (Connection c = h.connect(ALICE, h.tokens.valid(ALICE), simple);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select name from customers order by id")) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            assertThat(names).containsExactly("Ada Lovelace", "Alan Turing", "Grace Hopper");
        }
    }

    @Test
    void pgjdbcExtendedProtocolWithServerPreparedStatementsWorks() throws Exception {
        Properties prepared = new Properties();
        prepared.setProperty("prepareThreshold", "1");
        try (Connection c = h.connect(ALICE, h.tokens.valid(ALICE), prepared);
             PreparedStatement p = c.prepareStatement("select email from customers where id = ?")) {
            for (int i = 0; i < 5; i++) {
                p.setLong(1, 1 + (i % 3));
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).endsWith("@example.com");
                }
            }
            assertThat(p.unwrap(org.postgresql.PGStatement.class).isUseServerPrepare()).isTrue();
        }
    }

    @Test
    void copyInAndOutWork() throws Exception {
        try (Connection c = h.connect(ALICE, h.tokens.valid(ALICE))) {
            c.setAutoCommit(false);
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < 5000; i++) {
                rows.append("copy person ").append(i).append("\tcopy").append(i).append("@example.com\n");
            }
            long copied = copy.copyIn("COPY customers (name, email) FROM STDIN",
                    new ByteArrayInputStream(rows.toString().getBytes(StandardCharsets.UTF_8)));
            assertThat(copied).isEqualTo(5000);
            StringWriter out = new StringWriter();
            long exported = copy.copyOut("COPY (select email from customers where name like 'copy person %') TO STDOUT", out);
            assertThat(exported).isEqualTo(5000);
            assertThat(out.toString()).contains("copy4999@example.com");
            c.rollback();
        }
    }

    @Test
    void listenNotifyReachesTheListener() throws Exception {
        try (Connection listener = h.connect(ALICE, h.tokens.valid(ALICE));
             Connection notifier = h.connect(ALICE, h.tokens.valid(ALICE))) {
            try (Statement s = listener.createStatement()) {
                s.execute("LISTEN gateway_test");
            }
            try (Statement s = notifier.createStatement()) {
                s.execute("NOTIFY gateway_test, 'hello through the gateway'");
            }
            PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications(5000);
            assertThat(notifications).isNotNull().hasSize(1);
            assertThat(notifications[0].getParameter()).isEqualTo("hello through the gateway");
        }
    }

    @Test
    void queryCancelReachesTheBackendThroughTheGatewaysOwnKey() throws Exception {
        try (Connection c = h.connect(ALICE, h.tokens.valid(ALICE));
             Statement s = c.createStatement()) {
            CompletableFuture<Void> cancel = CompletableFuture.runAsync(() -> {
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> h.cluster.isRunning(ALICE, "select pg_sleep"));
                try {
                    s.cancel();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            // 57014 (query_canceled) comes only from the cancel: the query itself would end normally after 30 s
            assertThatThrownBy(() -> s.execute("select pg_sleep(30)"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("57014");
            cancel.join();
            try (ResultSet rs = s.executeQuery("select 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    @Test
    void largeRowsArriveWhole() throws Exception {
        try (Connection c = h.connect(ALICE, h.tokens.valid(ALICE));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select repeat('x', 32 * 1024 * 1024) from generate_series(1, 2)")) {
            int rows = 0;
            while (rs.next()) {
                assertThat(rs.getString(1)).hasSize(32 * 1024 * 1024);
                rows++;
            }
            assertThat(rows).isEqualTo(2);
        }
    }

    @Test
    void ddlIsRefusedByTheClusterForAHuman() throws Exception {
        try (Connection c = h.connect(ALICE, h.tokens.valid(ALICE));
             Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("create table public.not_allowed (id int)"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
        }
    }
}
