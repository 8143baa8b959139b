package io.nais.pg.bench.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nais.pg.bench.PackagedService;
import io.nais.pg.testsupport.process.ServiceJvm;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.metrics.Scrape;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;
import io.nais.pg.testsupport.process.FreePorts;
import io.nais.pg.tools.Quote;

/**
 * The world of {@code bench/gateway-pgbench.sh} and {@code bench/gateway-audit.sh} (started by
 * {@code bench/lib/gateway-world.sh}), over the packaged access-service run as in production: a provisioning
 * process (the access database's owner) and gateway processes ({@code nais.access.mode=gateway}, a login that
 * holds only {@code nais_access_gateway}), on one access database and one Kafka broker; a cluster with TLS and
 * {@code cert} auth for {@code +nais_human} that trusts the gateways' client CA, made known by a real
 * ClusterDiscovered; one person made a member by a real TeamMemberAdded; the OIDC issuer that signs their token.
 *
 * <p>The gateway at {@code GW_PORT} has statement audit off; with {@code --audited}, a second one at
 * {@code GW_AUDIT_PORT} audits statements as application.properties has it, to the broker. Its coordinates go to
 * {@code <dir>/env}. Writing {@code <dir>/stats-request} (holding "gc" for the heap after a full collection)
 * makes it write {@code <dir>/stats} from the gateways' {@code /q/metrics} and {@code /proc}; {@code <dir>/stop}
 * ends it.
 *
 * <p>Arguments: {@code <quarkus-run.jar> <dir> [--audited] [key=value ...]}: the settings go to every gateway, e.g.
 * {@code nais.access.gateway.audit.statements.drain-interval=20ms}.
 */
public final class GatewayWorld {

    private static final String TEAM = "team-a";
    private static final String APP = "demo-app";
    private static final String CLUSTER_ID = TEAM + "/" + APP;
    private static final String PERSON = "alice@example.com";
    private static final String PRODUCER = "gateway-bench";
    /** The group role V19__gateway_reader_role.sql grants the gateway's privileges to; the gateways' login is in it. */
    private static final String GATEWAY_READER_ROLE = "nais_access_gateway";
    private static final String GATEWAY_LOGIN = "access_gateway";
    private static final Duration START = Duration.ofMinutes(4);

    private GatewayWorld() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        List<String> rest = List.of(args).subList(2, args.length);
        boolean audited = rest.contains("--audited");
        Map<String, String> overrides = new LinkedHashMap<>();
        rest.stream().filter(arg -> arg.contains("=")).forEach(arg -> overrides.put(
                arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1)));

        CertificateAuthority ca = CertificateAuthority.create("gateway bench CA", Duration.ofHours(6));
        IssuedCertificate.PemFiles caFiles = ca.keyAndCertificate().writePem(dir.resolve("gateway-ca"));
        try (KafkaBroker kafka = KafkaBroker.start();
             PostgresCluster accessDb = PostgresCluster.builder().name("access-db").start();
             OidcIssuer issuer = OidcIssuer.start();
             PostgresCluster cluster = PostgresCluster.builder().name("gateway").tls(ca)
                     .hba("hostssl all +nais_human 127.0.0.1/32 cert").setting("max_connections", "700").start();
             TestEventBus bus = new TestEventBus(kafka.bootstrapServers())) {
            kafka.createTopics(Infrastructure.platformTopics());
            SeededApplication app = cluster.seedApplication(APP);
            String gatewayPassword = createGatewayLogin(accessDb);
            try (ServiceJvm provisioning = PackagedService.start("access-provisioning", jar,
                    provisioningConfig(kafka, accessDb)).awaitReady(START)) {
                System.out.println("provisioning log: " + provisioning.log());
                Map<String, String> shared = gatewayConfig(kafka, accessDb, gatewayPassword, issuer, caFiles, overrides);
                try (Gateway plain = Gateway.start(jar, shared, dir, "plain", false);
                     Gateway audit = audited ? Gateway.start(jar, shared, dir, "audited", true) : null) {
                    makeMember(bus, cluster, app);
                    plain.awaitReady();
                    if (audit != null) {
                        audit.awaitReady();
                    }
                    writeEnv(dir, cluster, app, issuer, ca, plain, audit);
                    serveStats(dir, plain, audit);
                }
            }
        }
    }

    /** One gateway process: its own port, its own audit spool, statement audit on or off. */
    private record Gateway(ServiceJvm process, int port) implements AutoCloseable {

        static Gateway start(Path jar, Map<String, String> shared, Path dir, String name, boolean auditStatements) {
            int port = FreePorts.next();
            Map<String, String> config = new LinkedHashMap<>(shared);
            config.put("nais.access.gateway.port", Integer.toString(port));
            config.put("nais.access.gateway.audit.spool.directory", dir.resolve("spool-" + name).toString());
            config.put("nais.access.gateway.audit.statements.enabled", Boolean.toString(auditStatements));
            return new Gateway(PackagedService.start("access-gateway-" + name, jar, config), port);
        }

        void awaitReady() {
            process.awaitReady(START);
            System.out.println("gateway log: " + process.log());
        }

        @Override
        public void close() {
            process.close();
        }
    }

    /** As an operator does before the first start (deploy/README.md): the group role and the gateways' login in it. */
    private static String createGatewayLogin(PostgresCluster accessDb) {
        String password = HexFormat.of().formatHex(randomBytes(16));
        accessDb.execute("postgres", "CREATE ROLE " + Quote.identifier(GATEWAY_READER_ROLE) + " NOLOGIN");
        accessDb.createLoginRole(GATEWAY_LOGIN, password);
        accessDb.execute("postgres", "GRANT " + Quote.identifier(GATEWAY_READER_ROLE) + " TO "
                + Quote.identifier(GATEWAY_LOGIN));
        return password;
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static Map<String, String> provisioningConfig(KafkaBroker kafka, PostgresCluster accessDb) {
        return Map.of(
                "nais.access.mode", "provisioning",
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "quarkus.datasource.jdbc.url", accessDb.jdbcUrl("postgres"),
                "quarkus.datasource.username", accessDb.adminUser(),
                "quarkus.datasource.password", accessDb.adminPassword());
    }

    /** What every gateway shares: the access database through its own login, the issuer, the client CA. */
    private static Map<String, String> gatewayConfig(KafkaBroker kafka, PostgresCluster accessDb, String password,
                                                     OidcIssuer issuer, IssuedCertificate.PemFiles ca,
                                                     Map<String, String> overrides) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("nais.access.mode", "gateway");
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("quarkus.datasource.jdbc.url", accessDb.jdbcUrl("postgres"));
        config.put("quarkus.datasource.username", GATEWAY_LOGIN);
        config.put("quarkus.datasource.password", password);
        config.put("nais.access.gateway.host", PostgresCluster.HOST);
        config.put("nais.access.gateway.oidc.issuer", issuer.issuerUrl());
        config.put("nais.access.gateway.oidc.audience", OidcIssuer.DEFAULT_AUDIENCE);
        // the gateway's server certificate is then a throwaway one from this CA, which the cluster's comes from too
        config.put("nais.access.gateway.ca.cert-file", ca.certificate().toString());
        config.put("nais.access.gateway.ca.key-file", ca.privateKey().toString());
        config.putAll(overrides);
        return config;
    }

    /** The cluster made known and the person made a member, as production learns them; waits for their role. */
    private static void makeMember(TestEventBus bus, PostgresCluster cluster, SeededApplication app) {
        bus.publish(Envelope.of(PRODUCER, new ClusterDiscovered(CLUSTER_ID, TEAM, APP, cluster.host(), cluster.port(),
                app.database(), app.owner(), List.of("public"), "file:" + cluster.adminSecretFile(), "15", "Running")));
        bus.publish(Envelope.of(PRODUCER, new TeamMemberAdded(TEAM, PERSON)));
        bus.await(HumanRoleProvisioned.class, e -> e.email().equals(PERSON) && e.clusterId().equals(CLUSTER_ID),
                START);
    }

    /** The coordinates the scripts source; readable by this user only (a password and a token are in it). */
    private static void writeEnv(Path dir, PostgresCluster cluster, SeededApplication app, OidcIssuer issuer,
                                 CertificateAuthority ca, Gateway plain, Gateway audit) throws IOException {
        IssuedCertificate.PemFiles bouncer = ca.issueServer("localhost", List.of("localhost", "127.0.0.1"),
                Duration.ofDays(1)).writePem(dir.resolve("bouncer-tls"));
        List<String> lines = new ArrayList<>(List.of(
                "GW_PORT=" + plain.port(),
                "GW_PID=" + plain.process().pid(),
                "PG_PORT=" + cluster.port(),
                "PG_DB=" + app.database(),
                "PG_OWNER=" + app.owner(),
                "PG_OWNER_PASSWORD=" + app.password(),
                "CLUSTER_ID=" + CLUSTER_ID,
                "PERSON=" + PERSON,
                "TOKEN=" + issuer.token().subject(PERSON).email(PERSON).lifetime(Duration.ofHours(3)).sign(),
                "BOUNCER_CERT=" + bouncer.certificate(),
                "BOUNCER_KEY=" + bouncer.privateKey()));
        if (audit != null) {
            lines.add("GW_AUDIT_PORT=" + audit.port());
            lines.add("GW_AUDIT_PID=" + audit.process().pid());
        }
        writeAtomically(dir.resolve("env"), String.join("\n", lines) + "\n");
    }

    private static void serveStats(Path dir, Gateway plain, Gateway audit) throws Exception {
        Path request = dir.resolve("stats-request");
        while (!Files.exists(dir.resolve("stop"))) {
            if (Files.exists(request)) {
                boolean collect = Files.readString(request).strip().equals("gc");
                writeAtomically(dir.resolve("stats"), stats(plain, audit, collect));
                Files.delete(request);
            }
            Thread.sleep(100); // polling the script's request files, not waiting for a state under test
        }
    }

    /**
     * The unaudited gateway's open sessions, heap (after a full collection if asked: it costs a JVM start for
     * {@code jcmd}), Netty's direct memory (every allocator's) and RSS; with the audited gateway, its audit counters.
     * Key=value lines.
     */
    private static String stats(Gateway plain, Gateway audit, boolean collect) throws Exception {
        long pid = plain.process().pid();
        if (collect) {
            collectGarbage(pid);
        }
        Scrape gateway = plain.process().metrics();
        StringBuilder stats = new StringBuilder()
                .append("sessions=").append((long) gateway.value("nais_gateway_sessions_open")).append('\n')
                .append("heap_bytes=").append((long) gateway.value("jvm_memory_used_bytes", "area", "heap")).append('\n')
                .append("netty_direct_bytes=")
                .append((long) gateway.value("netty_allocator_memory_used", "memory_type", "direct")).append('\n')
                .append("rss_kb=").append(rssKb(pid)).append('\n');
        if (audit != null) {
            Scrape audited = audit.process().metrics();
            stats.append("audit_sent=").append((long) audited.value("nais_gateway_audit_sent_total")).append('\n')
                    .append("audit_dropped=").append((long) audited.value("nais_gateway_audit_dropped_total")).append('\n')
                    .append("audit_spool_bytes=").append((long) audited.value("nais_gateway_audit_spool_bytes"))
                    .append('\n');
        }
        return stats.toString();
    }

    /**
     * A full collection in the gateway, through the JDK's {@code jcmd}, so that its heap figure is what its sessions
     * hold, not garbage not yet collected.
     */
    private static void collectGarbage(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (jcmd.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + pid + " GC.run exited with " + jcmd.exitValue());
        }
    }

    /** The process's resident set, from {@code /proc/<pid>/status}. */
    private static long rssKb(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(line -> line.startsWith("VmRSS:")).findFirst()
                .map(line -> Long.parseLong(line.replaceAll("\\D", ""))).orElse(0L);
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text);
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
