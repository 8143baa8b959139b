package io.nais.pg.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nais.pg.events.EventTopic;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * {@code bin/local-platform up --replicas 2 --brokers 3}, as a person runs it: two instances of every
 * service process (two gateways, each on its own port), three Kafka brokers in one KRaft quorum, and
 * real clients (psql, pgjdbc, the dba-grant REST API). One platform for the class; every replica is
 * restarted once (the rolling-restart test, its restarted instances serve the tests after it), the broker
 * is killed in the last test, and {@code bin/local-platform down} stops everything at the end.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicatedPlatformTest {

    private static final String TEAM = "team-a";
    private static final String CLUSTER_ID = "team-a/demo-app";
    /** Generous bounds for a loaded 2-core machine: every wait polls and ends as soon as its condition holds. */
    private static final Duration EVENTUALLY = Duration.ofSeconds(90);
    private static final Duration GRANT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /**
     * The gateways' drain ({@code nais.access.gateway.drain-timeout}, 20 s in production), shortened for this
     * platform through the environment {@code up} passes to its services: each restarted gateway drains once.
     */
    private static final Duration DRAIN = Duration.ofSeconds(5);
    /** A restarted JVM on a loaded 2-core machine: up allows its services 3 minutes as well. */
    private static final Duration START = Duration.ofMinutes(3);
    /** Every process of platform.env's PIDS_*, in the order a rollout would take them. */
    private static final List<String> RESTARTED_IN_ORDER = List.of("ACCESS_PROVISIONING", "ACCESS_GATEWAY",
            "DBA_GRANT_SERVICE", "BACKUP_SERVICE", "CONSOLE_SYNC_SERVICE", "BACKUP_VERIFIER");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ReplicatedUp up;
    private static Map<String, String> environment;
    private static OidcIssuer issuer;
    /** Instances the rolling restart started again: this JVM's children, which {@code down} does not know of. */
    private static final Relaunches restarted = new Relaunches(START);

    @BeforeAll
    static void platform() throws Exception {
        up = ReplicatedUp.start("replicated-platform", Map.of("NAIS_ACCESS_GATEWAY_DRAIN_TIMEOUT", DRAIN.toSeconds() + "s"));
        environment = up.environment();
        issuer = OidcIssuer.attach(Path.of(environment.get("OIDC_STATE_DIR")));
    }

    @AfterAll
    static void down() throws Exception {
        if (up == null) {
            return;
        }
        List<Long> pids = environment == null ? List.of() : allPids();
        // services first, as down stops its own
        restarted.close();
        up.down();
        assertThat(pids).as("every broker and service instance stopped with down")
                .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    @Order(1)
    void platformEnvNamesEveryReplicaAndBroker() {
        assertThat(list("GATEWAY_PORTS")).hasSize(2).contains(environment.get("GATEWAY_PORT"));
        assertThat(list("PIDS_KAFKA")).hasSize(3);
        for (String process : List.of("ACCESS_PROVISIONING", "ACCESS_GATEWAY", "DBA_GRANT_SERVICE", "BACKUP_SERVICE",
                "CONSOLE_SYNC_SERVICE")) {
            assertThat(list("PIDS_" + process)).as(process).hasSize(2);
        }
        assertThat(list("PIDS_BACKUP_VERIFIER")).as("one verifier, as deploy/ runs it").hasSize(1);
        assertThat(list("PIDS_ACCESS_SERVICE")).hasSize(4);
        assertThat(environment.get("KAFKA_BOOTSTRAP_SERVERS").split(",")).hasSize(3);
    }

    @Test
    @Order(2)
    void aNewMemberLogsInThroughEachGatewayReplica() throws Exception {
        String member = addMember();
        for (String port : list("GATEWAY_PORTS")) {
            assertThat(psql(member, port, "select current_user")).as("through gateway port " + port).isEqualTo(member);
        }
    }

    /** pgjdbc on one gateway replica, psql on the other; both sessions wait in a query when the member is removed. */
    @Test
    @Order(3)
    void removingAMemberEndsTheirSessionsOnBothGatewayReplicas() throws Exception {
        String member = addMember();
        List<String> ports = list("GATEWAY_PORTS");
        try (Connection jdbc = connect(member, ports.get(0))) {
            CompletableFuture<String> jdbcEnded = sqlStateOfSleep(jdbc);
            Process psql = psqlSleeping(member, ports.get(1));
            awaitTrue(() -> sessionsOf(member) == 2, EVENTUALLY, "both sessions are open on the cluster");

            Commands.membership(localState(), List.of(TEAM, member), false);

            assertThat(jdbcEnded.get(EVENTUALLY.toSeconds(), TimeUnit.SECONDS)).as("pgjdbc's SQLSTATE").isEqualTo("57P01");
            assertPsqlEndedWith57P01(psql);
        }
    }

    /**
     * A rollout: every replica of every service, one at a time, gets SIGTERM, exits, is started again as it was
     * ({@link Relaunches}) and is ready before the next, while clients log in through both gateways without
     * pause. A login that fails is retried once, on the other gateway (as a load balancer sends a reconnect to
     * another replica); none fails twice, and logins succeed while each replica is down or starting. A session
     * open on a gateway when it gets SIGTERM survives its drain and is then ended with FATAL 57P01.
     *
     * <p>Eleven JVMs restarted one after another cost ~5 minutes on a 2-core machine, which would take CI past 30
     * minutes, so this drill runs on request: {@code bench/rolling-restart.sh}, or
     * {@code -Dnais.test.rolling-restart=true} with this class.
     */
    @Test
    @Order(4)
    @EnabledIfSystemProperty(named = "nais.test.rolling-restart", matches = "true")
    void restartingEveryReplicaOneAtATimeUnderLoginLoadFailsNoLoginAfterARetryAndDrainsGatewaySessions() throws Exception {
        String member = addMember();
        List<String> ports = list("GATEWAY_PORTS");
        try (LoginLoad load = LoginLoad.start(member, ports, 3)) {
            awaitTrue(() -> load.succeeded("before") > 0, EVENTUALLY, "the first logins under load");
            for (String process : RESTARTED_IN_ORDER) {
                List<String> pids = list("PIDS_" + process);
                for (int instance = 0; instance < pids.size(); instance++) {
                    long pid = Long.parseLong(pids.get(instance));
                    load.phase(process + " #" + (instance + 1));
                    if (process.equals("ACCESS_GATEWAY")) {
                        restartGatewayHoldingASession(pid, ports.get(instance), member);
                    } else {
                        restarted.restart(pid, () -> { });
                    }
                }
            }
            load.phase("after");
            awaitTrue(() -> load.succeeded("after") > 0, EVENTUALLY, "logins after the rollout");
            load.stop();
            System.out.println("rolling restart: logins per phase " + load.successes() + ", retried " + load.retried());
            assertThat(load.failures()).as("logins that failed on both gateways").isEmpty();
            assertThat(load.successes()).as("successful logins while each replica restarted")
                    .hasSize(2 + pidsOf(RESTARTED_IN_ORDER)).allSatisfy((phase, count) -> assertThat(count).as(phase).isPositive());
        }
    }

    /**
     * One broker of three killed (the leader of the membership topic): a new member is provisioned and logs in
     * through both gateways, and a DBA grant is requested, approved and expires, ending the DBA's sessions on
     * both gateway replicas, all while the broker stays down.
     */
    @Test
    @Order(5)
    void withOneBrokerOfThreeKilledMembersAreProvisionedAndADbaGrantIsApprovedAndExpiresOnBothGateways()
            throws Exception {
        killMembershipLeader();

        String member = addMember();
        List<String> ports = list("GATEWAY_PORTS");
        for (String port : ports) {
            assertThat(psql(member, port, "select current_user")).as("through gateway port " + port).isEqualTo(member);
        }

        String dba = "dba-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String grant = requestGrant(dba);
        awaitTrue(() -> approve(grant, member), EVENTUALLY, "a team-a member approves the grant");
        awaitTrue(() -> "t".equals(queryOrNull(dba, ports.get(1), "select rolsuper from pg_roles where rolname = current_user")),
                EVENTUALLY, "the DBA logs in as superuser through the second gateway");
        try (Connection jdbc = connect(dba, ports.get(0))) {
            CompletableFuture<String> jdbcEnded = sqlStateOfSleep(jdbc);
            Process psql = psqlSleeping(dba, ports.get(1));
            awaitTrue(() -> sessionsOf(dba) == 2, EVENTUALLY, "both DBA sessions are open on the cluster");

            assertThat(jdbcEnded.get(GRANT.plus(EVENTUALLY).toSeconds(), TimeUnit.SECONDS)).as("pgjdbc's SQLSTATE")
                    .isEqualTo("57P01");
            assertPsqlEndedWith57P01(psql);
        }
        assertThat(list("PIDS_KAFKA").stream().map(Long::parseLong).filter(ReplicatedPlatformTest::alive))
                .as("the killed broker stayed down throughout").hasSize(2);
    }

    // --- the platform's state ---------------------------------------------------------------------------

    private static LocalState localState() {
        return up.local();
    }

    private static List<String> list(String variable) {
        return up.list(variable);
    }

    private static List<Long> allPids() {
        List<Long> pids = new ArrayList<>();
        environment.forEach((key, value) -> {
            if (key.startsWith("PIDS_")) {
                Arrays.stream(value.trim().split(" +")).map(Long::parseLong).forEach(pids::add);
            }
        });
        return pids;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** kill -9 of the broker leading the membership topic's first partition (node.id n is PIDS_KAFKA's n-th). */
    private static void killMembershipLeader() throws Exception {
        int leader = Relaunches.leaderOf(environment.get("KAFKA_BOOTSTRAP_SERVERS"), EventTopic.TEAM_MEMBERSHIP.topicName());
        Relaunches.kill(Long.parseLong(list("PIDS_KAFKA").get(leader - 1)));
    }

    private static int pidsOf(List<String> processes) {
        return processes.stream().mapToInt(process -> list("PIDS_" + process).size()).sum();
    }

    // --- rolling restart ------------------------------------------------------------------------------

    /**
     * The gateway's documented drain (deploy/README.md, "Rollouts and shutdown"): on SIGTERM it stops taking
     * connections, a session it relays goes on for the drain, and at its end gets FATAL 57P01 (admin shutdown).
     */
    private static void restartGatewayHoldingASession(long pid, String port, String member) throws Exception {
        try (Connection held = connect(member, port)) {
            assertThat(selectOne(held)).isEqualTo(1);
            restarted.restart(pid, () -> {
                awaitTrue(() -> !accepts(port), EVENTUALLY, "the gateway on port " + port + " stops taking connections");
                assertThat(selectOne(held)).as("the open session, while the gateway drains").isEqualTo(1);
                assertThat(sqlStateOfSleep(held).get(DRAIN.plus(EVENTUALLY).toSeconds(), TimeUnit.SECONDS))
                        .as("pgjdbc's SQLSTATE at the drain's end").isEqualTo("57P01");
            });
        }
    }

    private static int selectOne(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("select 1")) {
            result.next();
            return result.getInt(1);
        }
    }

    /** Whether a TCP connection to the port is taken (a closed listener refuses it). */
    private static boolean accepts(String port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)), 2000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /**
     * A few clients, each in a loop: a pgjdbc login as {@code member} and {@code select 1}, alternating between
     * the gateways; a failed login is retried once after a short back-off on the other gateway. Successes are
     * counted per phase (the replica being restarted when the login succeeded).
     */
    private static final class LoginLoad implements AutoCloseable {
        private static final long BACK_OFF_MILLIS = 250;

        private final String member;
        private final List<String> ports;
        private final ExecutorService clients;
        private final Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        /** First attempts that failed, by phase and SQLSTATE (08001: the port refused the connection). */
        private final Map<String, AtomicInteger> retried = new ConcurrentHashMap<>();
        private volatile String phase;
        private volatile boolean running = true;

        private LoginLoad(String member, List<String> ports, int clients) {
            this.member = member;
            this.ports = ports;
            this.clients = Executors.newFixedThreadPool(clients);
            phase("before");
        }

        static LoginLoad start(String member, List<String> ports, int clients) {
            LoginLoad load = new LoginLoad(member, ports, clients);
            for (int client = 0; client < clients; client++) {
                int first = client;
                load.clients.execute(() -> load.loop(first));
            }
            return load;
        }

        void phase(String name) {
            successes.put(name, new AtomicInteger());
            phase = name;
        }

        int succeeded(String name) {
            return successes.get(name).get();
        }

        Map<String, Integer> successes() {
            return counts(successes);
        }

        private static Map<String, Integer> counts(Map<String, AtomicInteger> counters) {
            Map<String, Integer> counts = new TreeMap<>();
            counters.forEach((name, count) -> counts.put(name, count.get()));
            return counts;
        }

        List<String> failures() {
            return failures;
        }

        Map<String, Integer> retried() {
            return counts(retried);
        }

        private void loop(int first) {
            for (int login = first; running; login++) {
                String port = ports.get(login % ports.size());
                SQLException failed = loginOnce(port);
                if (failed == null) {
                    continue;
                }
                retried.computeIfAbsent(phase + " " + failed.getSQLState(), reason -> new AtomicInteger()).incrementAndGet();
                pause();
                String other = ports.get((login + 1) % ports.size());
                SQLException failedAgain = loginOnce(other);
                if (failedAgain != null) {
                    failures.add(phase + ": port " + port + ": " + failed.getSQLState() + " " + failed.getMessage()
                            + "; retry on port " + other + ": " + failedAgain.getSQLState() + " " + failedAgain.getMessage());
                }
            }
        }

        /** Null when the login and {@code select 1} went through; else what failed. */
        private SQLException loginOnce(String port) {
            try (Connection connection = connect(member, port)) {
                connection.setNetworkTimeout(Runnable::run, (int) EVENTUALLY.toMillis());
                selectOne(connection);
                successes.get(phase).incrementAndGet();
                return null;
            } catch (SQLException e) {
                return e;
            }
        }

        private void pause() {
            try {
                Thread.sleep(BACK_OFF_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() throws InterruptedException {
            running = false;
            clients.shutdown();
            assertThat(clients.awaitTermination(EVENTUALLY.toSeconds(), TimeUnit.SECONDS)).as("the clients stopped").isTrue();
        }

        @Override
        public void close() throws InterruptedException {
            if (running) {
                stop();
            }
        }
    }

    // --- members, grants ------------------------------------------------------------------------------

    /** A new member of team-a, once its role exists in team-a/demo-app. */
    private static String addMember() throws Exception {
        String member = "member-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Commands.membership(localState(), List.of(TEAM, member), true);
        awaitTrue(() -> "1".equals(admin("select count(*) from pg_roles where rolname = '" + member + "'")), EVENTUALLY,
                "the role of " + member + " exists");
        return member;
    }

    private static String requestGrant(String dba) throws Exception {
        String body = JSON.writeValueAsString(Map.of("clusterId", CLUSTER_ID, "reason", "replicated platform test",
                "duration", GRANT.toSeconds() + "s"));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(environment.get("DBA_GRANT_URL") + "/api/grants"))
                .header("Authorization", "Bearer " + token(dba, "dba")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("request: %s", response.body()).isEqualTo(201);
        return JSON.readTree(response.body()).get("id").asText();
    }

    /** True once the approval went through; a 403 while dba-grant-service has not yet seen the member is retried. */
    private static boolean approve(String grant, String member) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create(environment.get("DBA_GRANT_URL") + "/api/grants/" + grant + "/approve"))
                    .header("Authorization", "Bearer " + token(member)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return false;
            }
            JsonNode view = JSON.readTree(response.body());
            assertThat(view.get("state").asText()).isEqualTo("GRANTED");
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String token(String email, String... groups) {
        return issuer.token().subject(email).email(email).groups(groups).sign();
    }

    // --- clients ----------------------------------------------------------------------------------------

    /** pgjdbc through one gateway replica, as {@code email} with a token. */
    private static Connection connect(String email, String port) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", email);
        properties.setProperty("password", token(email));
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", environment.get("GATEWAY_CA_FILE"));
        properties.setProperty("loginTimeout", Long.toString(EVENTUALLY.toSeconds()));
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/"
                + URLEncoder.encode(CLUSTER_ID, StandardCharsets.UTF_8), properties);
    }

    /** Runs a long sleep on the connection; completes with the SQLSTATE that ended it (null if it returned). */
    private static CompletableFuture<String> sqlStateOfSleep(Connection connection) {
        return CompletableFuture.supplyAsync(() -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("select pg_sleep(600)");
                return null;
            } catch (SQLException ended) {
                return ended.getSQLState();
            }
        });
    }

    private static ProcessBuilder psqlCommand(String email, String port, String sql) {
        String conninfo = "host=127.0.0.1 port=" + port + " dbname=" + CLUSTER_ID + " user=" + email
                + " sslmode=verify-full sslrootcert=" + environment.get("GATEWAY_CA_FILE");
        ProcessBuilder builder = new ProcessBuilder("psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=sqlstate",
                conninfo, "-c", sql).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", token(email));
        return builder;
    }

    /** psql through one gateway replica; its output, or a failure with it. */
    private static String psql(String email, String port, String sql) throws Exception {
        String out = queryOrNull(email, port, sql);
        assertThat(out).as("psql through port %s", port).isNotNull();
        return out;
    }

    /** psql's output through a gateway, or null when it failed. */
    private static String queryOrNull(String email, String port, String sql) {
        return outputOrNull(psqlCommand(email, port, sql));
    }

    /** A command's output, or null when it failed. */
    private static String outputOrNull(ProcessBuilder command) {
        try {
            Process psql = command.start();
            String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return psql.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Process psqlSleeping(String email, String port) throws IOException {
        return psqlCommand(email, port, "select pg_sleep(600)").start();
    }

    /** psql reports the server's FATAL 57P01 and exits non-zero (2: the connection went bad). */
    private static void assertPsqlEndedWith57P01(Process psql) throws Exception {
        assertThat(psql.waitFor(EVENTUALLY.toSeconds(), TimeUnit.SECONDS)).as("psql's session ended").isTrue();
        String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(psql.exitValue()).as("psql's exit code; output: %s", out).isNotZero();
        assertThat(out).as("psql's output (VERBOSITY=sqlstate)").contains("57P01");
    }

    /** Sessions of {@code role} on team-a/demo-app, as its admin sees them. */
    private static int sessionsOf(String role) {
        String count = admin("select count(*) from pg_stat_activity where usename = '" + role + "' and query like 'select pg_sleep%'");
        return count == null ? 0 : Integer.parseInt(count);
    }

    /** psql as the cluster's admin (platform.env's admin URL); the output, or null when it failed. */
    private static String admin(String sql) {
        return outputOrNull(new ProcessBuilder("psql", "-X", "-At", environment.get("CLUSTER_TEAM_A_DEMO_APP_ADMIN_URL"), "-c", sql)
                .redirectErrorStream(true));
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting until " + what + "; up's output:\n" + up.output());
            }
            Thread.sleep(200);
        }
    }
}
