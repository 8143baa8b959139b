package io.nais.pg.access.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.nais.pg.access.directory.AccessDirectory;
import io.nais.pg.access.gateway.audit.FullSpoolPolicy;
import io.nais.pg.access.gateway.audit.StatementAudit;
import io.nais.pg.access.gateway.session.SessionEvents;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;
import io.quarkus.arc.Arc;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.postgresql.core.Utils;

/**
 * One real world for the gateway tests, inside the running access-service ({@code @QuarkusTest} with
 * {@link GatewayEnabledProfile}): a PostgreSQL cluster with TLS that trusts the gateway's CA for
 * {@code +nais_human} with {@code cert} auth and a seeded application database, made known to the service by a
 * real ClusterDiscovered on Kafka; people made members by real TeamMemberAdded events, their roles created by
 * provisioning. Logins go to the service's own gateway (built from {@link GatewayConfig}), which authorises them
 * against the PostgreSQL-backed directory and publishes its audit events through the outbox; tests read those
 * back from Kafka.
 *
 * <p>One per application start: Quarkus loads this class in the application's class loader, so a restart with
 * another profile gets a world of its own (and a fresh service database to match).
 */
final class GatewayHarness {

    static final String TEAM = "team-a";
    static final String CLUSTER_ID = "team-a/demo-app";
    static final String AUDIENCE = OidcIssuer.DEFAULT_AUDIENCE; // the one audience of the platform's login tokens
    /** Member of team-a, with a role on the cluster. */
    static final String ALICE = "alice@example.com";
    /** Has a role on the cluster (left over, made by hand) but is no member of team-a. */
    static final String MALLORY = "mallory@example.com";
    /** How long an event may take through the outbox, Kafka and the service's consumers. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private static GatewayHarness shared;

    final CertificateAuthority ca = GatewayEnabledProfile.CA;
    final Path caFile = GatewayEnabledProfile.caCertificateFile();
    final PostgresCluster cluster;
    final SeededApplication app;
    final TestEventBus bus;
    final Tokens tokens;
    /** The port of the service's own gateway. */
    final int port;
    private final AccessDirectory directory;
    private final SessionEvents events;
    private final ExecutorService blocking = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "gateway-test-blocking");
        thread.setDaemon(true);
        return thread;
    });

    static synchronized GatewayHarness shared() {
        if (shared == null) {
            shared = new GatewayHarness();
        }
        return shared;
    }

    private GatewayHarness() {
        Infrastructure infra = Infrastructure.shared();
        directory = Arc.container().instance(AccessDirectory.class).get();
        events = Arc.container().instance(SessionEvents.class).get();
        port = Arc.container().instance(GatewayService.class).get().port();
        bus = infra.events();
        tokens = new Tokens(infra.oidc(), AUDIENCE);
        cluster = infra.newCluster("gateway", b -> b.tls(ca)
                .hba("hostssl all +nais_human 127.0.0.1/32 cert")
                .setting("max_connections", "700"));
        app = cluster.seedApplication("demo-app");
        publish(new ClusterDiscovered(CLUSTER_ID, TEAM, "demo-app", cluster.host(), cluster.port(), app.database(),
                app.owner(), List.of("public"), "file:" + cluster.adminSecretFile(), "15", "Running"));
        Awaitility.await().atMost(WAIT).until(() -> directory.cluster(CLUSTER_ID).isPresent());
        member(ALICE);
        cluster.execute("postgres", "CREATE ROLE " + quote(MALLORY) + " LOGIN IN ROLE nais_human");
    }

    /** Makes the person a member of team-a as production learns it, and waits until provisioning made the role. */
    void member(String email) {
        publish(new TeamMemberAdded(TEAM, email));
        bus.await(HumanRoleProvisioned.class, e -> e.email().equals(email) && e.clusterId().equals(CLUSTER_ID), WAIT);
    }

    void publish(PlatformEvent event) {
        bus.publish(Envelope.of("gateway-test", event));
    }

    /** The first event of {@code type} on its topic that matches, waiting for the outbox relay. */
    <E extends PlatformEvent> E await(Class<E> type, Predicate<E> matching) {
        return bus.await(type, matching, WAIT).data();
    }

    /** The service's meter registry (the gateway's counters are registered there). */
    static MeterRegistry meters() {
        return Arc.container().instance(MeterRegistry.class).get();
    }

    /**
     * A second gateway on the same world, built as the service builds its own: the application's configuration
     * with {@code overrides} on top, through {@link GatewayConfig} and {@link ConfiguredGateway}. The caller
     * closes it.
     */
    GatewayServer startGateway(Map<String, String> overrides) {
        return startGateway(overrides, StatementAudit.off());
    }

    /** As above, with statement audit; the caller closes the gateway, then the audit. */
    GatewayServer startGateway(Map<String, String> overrides, StatementAudit audit) {
        GatewayServer other = GatewayServer.create(ConfiguredGateway.settings(config(overrides)), directory, events,
                new RequestScopedExecutor(blocking), audit, GatewayMeters.unexported());
        other.start(PostgresCluster.HOST, 0);
        return other;
    }

    /** Statement audit as the service configures it, spooling to {@code spool} (at most {@code spoolMaxBytes}). */
    static StatementAudit startAudit(String bootstrapServers, Path spool, long spoolMaxBytes, FullSpoolPolicy whenFull) {
        return startAudit(Map.of(
                "nais.access.gateway.audit.spool.directory", spool.toString(),
                "nais.access.gateway.audit.spool.max-bytes", Long.toString(spoolMaxBytes),
                "nais.access.gateway.audit.spool.when-full", whenFull.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')),
                bootstrapServers);
    }

    /** Statement audit as the service configures it, with {@code overrides}, to the broker at {@code bootstrapServers}. */
    static StatementAudit startAudit(Map<String, String> overrides, String bootstrapServers) {
        return StatementAudit.start(ConfiguredGateway.audit(config(overrides),
                Map.of("bootstrap.servers", bootstrapServers)));
    }

    /**
     * {@code nais.access.gateway.*} as the running application reads it (application.properties, the test profile,
     * the test resources), with {@code overrides} above every other source, mapped by the real {@link GatewayConfig}.
     */
    static GatewayConfig config(Map<String, String> overrides) {
        SmallRyeConfig running = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class);
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withProfiles(running.getProfiles())
                .withSources(new PropertiesConfigSource(overrides, "gateway test overrides", Integer.MAX_VALUE))
                .withMapping(GatewayConfig.class)
                .withValidateUnknown(false)
                // Quarkus's own converter, which reads "5s" as the running application does
                .withConverter(Duration.class, 200, running.getConverter(Duration.class).orElseThrow());
        running.getConfigSources().forEach(builder::withSources);
        return builder.build().unwrap(SmallRyeConfig.class).getConfigMapping(GatewayConfig.class);
    }

    /** A pgjdbc connection through {@code gatewayPort}. */
    Connection connectVia(int gatewayPort, String email, String token) throws SQLException {
        return connectVia(gatewayPort, email, token, new Properties());
    }

    Connection connectVia(int gatewayPort, String email, String token, Properties extra) throws SQLException {
        Properties properties = new Properties();
        properties.putAll(extra);
        properties.setProperty("user", email);
        properties.setProperty("password", token);
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", caFile.toString());
        return DriverManager.getConnection("jdbc:postgresql://" + PostgresCluster.HOST + ":" + gatewayPort + "/"
                + URLEncoder.encode(CLUSTER_ID, StandardCharsets.UTF_8), properties);
    }

    /** A pgjdbc connection through the service's gateway, verifying the gateway's certificate. */
    Connection connect(String email, String token) throws SQLException {
        return connect(email, token, new Properties());
    }

    Connection connect(String email, String token, Properties extra) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", email);
        properties.setProperty("password", token);
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", caFile.toString());
        properties.putAll(extra);
        return DriverManager.getConnection(jdbcUrl(), properties);
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + PostgresCluster.HOST + ":" + port + "/"
                + URLEncoder.encode(CLUSTER_ID, StandardCharsets.UTF_8);
    }

    /** A libpq connection string through the gateway (password from PGPASSWORD). */
    String libpq(String email) {
        return libpq(port, email);
    }

    String libpq(int gatewayPort, String email) {
        return "host=" + PostgresCluster.HOST + " port=" + gatewayPort + " dbname=" + CLUSTER_ID + " user=" + email
                + " sslmode=verify-full sslrootcert=" + caFile;
    }

    record Psql(int exit, String output) {
    }

    /** Runs psql with {@code -c sql}, the token as PGPASSWORD (never on the command line). */
    Psql psql(String connectionString, String token, String sql) {
        return psql(connectionString, token, List.of(sql));
    }

    /** Runs psql with one {@code -c} per statement: one session, one Simple Query message each. */
    Psql psql(String connectionString, String token, List<String> statements) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("psql", connectionString, "-XAtq", "-v", "ON_ERROR_STOP=1"));
            statements.forEach(sql -> command.addAll(List.of("-c", sql)));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("PGPASSWORD", token);
            builder.environment().put("PGCONNECT_TIMEOUT", "10");
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("psql did not finish");
            }
            return new Psql(process.exitValue(), output);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String quote(String identifier) {
        try {
            return Utils.escapeIdentifier(new StringBuilder(), identifier).toString();
        } catch (SQLException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
