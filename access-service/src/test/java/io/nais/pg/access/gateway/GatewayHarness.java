package io.nais.pg.access.gateway;

import java.util.function.Supplier;
import io.nais.pg.access.directory.AccessDirectory.ClusterEndpoint;
import io.nais.pg.access.gateway.audit.AuditSettings;
import io.nais.pg.access.gateway.audit.FullSpoolPolicy;
import io.nais.pg.access.gateway.audit.StatementAudit;
import io.nais.pg.access.gateway.auth.TokenVerifier;
import io.nais.pg.kit.outbox.OutboxRelay;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.pki.Pem;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import org.postgresql.core.Utils;

/**
 * One real world for the gateway tests, shared by all of them: a CA (pki), a
 * PostgreSQL cluster with TLS that trusts that CA for {@code +nais_human} with
 * {@code cert} auth, a seeded application database, the OIDC issuer, and the
 * gateway itself on a random port. Roles are created with admin SQL, as
 * provisioning would.
 */
final class GatewayHarness {

    static final String TEAM = "team-a";
    static final String CLUSTER_ID = "team-a/demo-app";
    static final String AUDIENCE = OidcIssuer.DEFAULT_AUDIENCE; // the one audience of the platform's login tokens
    /** Member of team-a, with a role on the cluster. */
    static final String ALICE = "alice@example.com";
    /** Member of team-a, with a role on the cluster; removed from the team by revocation tests. */
    static final String BOB = "bob@example.com";
    /** Has a role on the cluster (e.g. left over) but is no member of team-a. */
    static final String MALLORY = "mallory@example.com";

    private static GatewayHarness shared;

    final CertificateAuthority ca;
    final Path caFile;
    final PostgresCluster cluster;
    final SeededApplication app;
    final InMemoryDirectory directory = new InMemoryDirectory();
    final RecordedEvents events = new RecordedEvents();
    final Tokens tokens;
    final GatewayServer gateway;
    final int port;

    static synchronized GatewayHarness shared() {
        if (shared == null) {
            shared = new GatewayHarness();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    private GatewayHarness() {
        ca = CertificateAuthority.create("gateway-test CA", Duration.ofDays(1));
        caFile = writeCa(ca);
        cluster = PostgresCluster.builder().name("gateway").tls(ca)
                .hba("hostssl all +nais_human 127.0.0.1/32 cert")
                .setting("max_connections", "700")
                .start();
        app = cluster.seedApplication("demo-app");
        createHumanGroup();
        List.of(ALICE, BOB, MALLORY).forEach(this::createHuman);
        directory.cluster(new ClusterEndpoint(CLUSTER_ID, TEAM, "demo-app", PostgresCluster.HOST, cluster.port(), app.database()));
        directory.addMember(TEAM, ALICE);
        directory.addMember(TEAM, BOB);
        tokens = Tokens.start(AUDIENCE);
        gateway = GatewayServer.create(settings(1500, 1000, Set.of()), directory, events, Executors.newFixedThreadPool(4));
        port = gateway.start(PostgresCluster.HOST, 0);
    }

    /** A second gateway on the same world with other limits; the caller closes it. */
    GatewayServer startGateway(int maxConnections, int maxSessionsPerPerson, Set<String> endAtTokenExpiry) {
        GatewayServer other = GatewayServer.create(settings(maxConnections, maxSessionsPerPerson, endAtTokenExpiry),
                directory, events, Executors.newFixedThreadPool(2));
        other.start(PostgresCluster.HOST, 0);
        return other;
    }

    /**
     * A second gateway on the same world whose own certificate and client CA come from these sources (e.g.
     * files it reads again on change); the caller closes it.
     */
    GatewayServer startGateway(Supplier<IssuedCertificate> serverCertificate, Supplier<CertificateAuthority> clientCa) {
        GatewayServer other = GatewayServer.create(settings(1500, 1000, Set.of(), serverCertificate, clientCa),
                directory, events, Executors.newFixedThreadPool(2));
        other.start(PostgresCluster.HOST, 0);
        return other;
    }

    /** A second gateway on the same world with statement audit; the caller closes it, then the audit. */
    GatewayServer startGateway(StatementAudit audit) {
        GatewayServer other = GatewayServer.create(settings(1500, 1000, Set.of()), directory, events,
                Executors.newFixedThreadPool(2), audit);
        other.start(PostgresCluster.HOST, 0);
        return other;
    }

    /**
     * Statement audit of every cluster to the broker at {@code bootstrapServers}, spooling to {@code spool}; the
     * audit thread's tick is the production default (20 ms) unless {@code -Dgateway.audit.drain-interval-ms} says
     * otherwise, and statements are audited unless {@code -Dgateway.audit.statements=false} (an A/A run of
     * bench/gateway-audit.sh: both gateways unaudited); {@code -Dgateway.audit.queue-capacity=2} drops nearly
     * every statement after the tap (the event loop's share of the cost alone). These knobs are for the
     * benchmark, through WORLD_JAVA_OPTS.
     */
    static AuditSettings auditSettings(String bootstrapServers, Path spool, long spoolMaxBytes, FullSpoolPolicy policy) {
        Duration drainInterval = Duration.ofMillis(Long.getLong("gateway.audit.drain-interval-ms", 20));
        boolean enabled = Boolean.parseBoolean(System.getProperty("gateway.audit.statements", "true"));
        int queueCapacity = Integer.getInteger("gateway.audit.queue-capacity", 100_000);
        int batchSize = Integer.getInteger("gateway.audit.batch-size", 5000);
        Duration linger = Duration.ofMillis(Long.getLong("gateway.audit.linger-ms", 50));
        return new AuditSettings(enabled, Map.of(), 4096, queueCapacity, batchSize, drainInterval, linger, spool,
                spoolMaxBytes, 64 * 1024, policy,
                Duration.ofMillis(500), Duration.ofSeconds(2),
                OutboxRelay.producerConfig(Map.of("bootstrap.servers", bootstrapServers), "gateway-audit-test"));
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

    private GatewaySettings settings(int maxConnections, int maxSessionsPerPerson, Set<String> endAtTokenExpiry) {
        IssuedCertificate serverCertificate = ca.issueServer("localhost", List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        return settings(maxConnections, maxSessionsPerPerson, endAtTokenExpiry, () -> serverCertificate, () -> ca);
    }

    private GatewaySettings settings(int maxConnections, int maxSessionsPerPerson, Set<String> endAtTokenExpiry,
                                     Supplier<IssuedCertificate> serverCertificate, Supplier<CertificateAuthority> clientCa) {
        return new GatewaySettings(PostgresCluster.HOST, 0, serverCertificate, clientCa, List.of(ca.certificate()),
                Duration.ofMinutes(10), true, Duration.ofSeconds(5),
                new TokenVerifier.Settings(tokens.issuer(), List.of(AUDIENCE), java.util.Optional.of(tokens.jwksUri()),
                        "email", Duration.ofSeconds(5), List.of("RS256", "ES256", "PS256"), Duration.ofSeconds(1),
                        true),
                maxConnections, maxSessionsPerPerson, 10_000, 16_384, Duration.ofSeconds(2), endAtTokenExpiry, 2);
    }

    /** The human group role with DML on the application's tables, as provisioning creates it. */
    private void createHumanGroup() {
        cluster.execute("postgres", "CREATE ROLE nais_human NOLOGIN");
        cluster.execute(app.database(), "GRANT USAGE ON SCHEMA public TO nais_human;"
                + " GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO nais_human;"
                + " GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO nais_human;"
                + " GRANT CONNECT ON DATABASE " + quote(app.database()) + " TO nais_human");
    }

    void createHuman(String email) {
        cluster.execute("postgres", "CREATE ROLE " + quote(email) + " LOGIN IN ROLE nais_human");
    }

    /** A pgjdbc connection through the gateway, verifying the gateway's certificate. */
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

    Connection admin() throws SQLException {
        return cluster.connect(app.database());
    }

    static String quote(String identifier) {
        try {
            return Utils.escapeIdentifier(new StringBuilder(), identifier).toString();
        } catch (SQLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Path writeCa(CertificateAuthority ca) {
        try {
            Path file = Files.createTempFile("gateway-ca", ".crt");
            Pem.writeCertificates(file, List.of(ca.certificate()));
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void close() {
        gateway.close();
        tokens.close();
        cluster.close();
    }
}
