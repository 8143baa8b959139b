package io.nais.pg.access.gateway;

import io.nais.pg.access.gateway.audit.FullSpoolPolicy;
import io.nais.pg.access.gateway.audit.StatementAudit;
import io.nais.pg.events.Topics;
import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The world of {@code bench/gateway-pgbench.sh}: the test harness (cluster with
 * TLS, issuer, gateway) kept running, its coordinates written to
 * {@code <dir>/env} for the script. Touching {@code <dir>/stats-request} makes it
 * write {@code <dir>/stats} (live sessions, heap after GC, RSS); {@code <dir>/stop}
 * ends it.
 */
public final class GatewayBenchWorld {

    private GatewayBenchWorld() {
    }

    private static StatementAudit audit;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        GatewayHarness h = GatewayHarness.shared();
        String auditEnv = args.length > 1 && args[1].equals("audit") ? startAuditingGateway(h, dir) : "";
        IssuedCertificate bouncer = h.ca.issueServer("localhost", List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        IssuedCertificate.PemFiles bouncerTls = bouncer.writePem(dir.resolve("bouncer-tls"));
        String env = String.join("\n",
                "GW_PORT=" + h.port,
                "PG_PORT=" + h.cluster.port(),
                "PG_DB=" + h.app.database(),
                "PG_OWNER=" + h.app.owner(),
                "PG_OWNER_PASSWORD=" + h.app.password(),
                "CLUSTER_ID=" + GatewayHarness.CLUSTER_ID,
                "PERSON=" + GatewayHarness.ALICE,
                "TOKEN=" + h.tokens.validFor(GatewayHarness.ALICE, Duration.ofHours(3)),
                "CA_FILE=" + h.caFile,
                "BOUNCER_CERT=" + bouncerTls.certificate(),
                "BOUNCER_KEY=" + bouncerTls.privateKey(),
                "GW_PID=" + ProcessHandle.current().pid(),
                auditEnv);
        Path envFile = dir.resolve("env");
        Files.writeString(dir.resolve("env.tmp"), env);
        Files.move(dir.resolve("env.tmp"), envFile);
        while (!Files.exists(dir.resolve("stop"))) {
            Path request = dir.resolve("stats-request");
            if (Files.exists(request)) {
                writeStats(h, dir);
                Files.delete(request);
            }
            Thread.sleep(100);
        }
        System.exit(0);
    }

    /** Kafka and a gateway with statement audit on, beside the harness's gateway (audit off). */
    private static String startAuditingGateway(GatewayHarness h, Path dir) throws IOException {
        KafkaBroker kafka = KafkaBroker.start();
        kafka.createTopics(Topics.ACCESS);
        audit = StatementAudit.start(GatewayHarness.auditSettings(kafka.bootstrapServers(),
                Files.createDirectories(dir.resolve("audit-spool")), 256L * 1024 * 1024, FullSpoolPolicy.KEEP_SERVING));
        GatewayServer auditing = h.startGateway(audit);
        return "GW_AUDIT_PORT=" + auditing.port() + "\nKAFKA=" + kafka.bootstrapServers() + "\n";
    }

    private static void writeStats(GatewayHarness h, Path dir) throws IOException {
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .mapToLong(java.lang.management.BufferPoolMXBean::getMemoryUsed).sum();
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: 0 kB").replaceAll("\\D", "");
        long nettyDirect = io.netty.util.internal.PlatformDependent.usedDirectMemory();
        Files.writeString(dir.resolve("stats.tmp"), "sessions=" + h.gateway.liveSessions() + "\nheap_bytes=" + heap
                + "\nbuffer_pool_bytes=" + direct + "\nnetty_direct_bytes=" + nettyDirect + "\nrss_kb=" + rss + "\n"
                + (audit == null ? "" : "audit_sent=" + audit.sent() + "\naudit_dropped=" + audit.dropped()
                        + "\naudit_spool_bytes=" + audit.spoolBytes() + "\n"));
        Files.move(dir.resolve("stats.tmp"), dir.resolve("stats"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
