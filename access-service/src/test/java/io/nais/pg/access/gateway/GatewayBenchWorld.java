package io.nais.pg.access.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The world of {@code bench/gateway-pgbench.sh} and {@code bench/gateway-audit.sh}: the gateway tests' world
 * (access-service running, the PostgreSQL-backed directory, the outbox, a cluster with TLS and cert auth for
 * {@code +nais_human}, the issuer) kept running, its coordinates written to {@code <dir>/env} for the scripts.
 * Two gateways on the same directory: the service's own ({@code GW_AUDIT_PORT}, statement audit on as
 * application.properties has it, to the JVM's Kafka) and one without statement audit ({@code GW_PORT}), built from
 * the same configuration. Touching {@code <dir>/stats-request} makes it write {@code <dir>/stats} (live sessions of
 * the unaudited gateway, heap after GC, RSS, audit counters); {@code <dir>/stop} ends it.
 *
 * <p>Runs only when a script asks for it ({@code -Dgateway.bench.dir=<dir>}, see {@code bench/lib/gateway-world.sh});
 * audit knobs are configuration keys, e.g. {@code -Dnais.access.gateway.audit.statements.drain-interval=20ms}.
 */
@QuarkusTest
@TestProfile(GatewayEnabledProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
@EnabledIfSystemProperty(named = "gateway.bench.dir", matches = ".+")
class GatewayBenchWorld {

    @Test
    void servesTheBenchUntilItSaysStop() throws Exception {
        Path dir = Path.of(System.getProperty("gateway.bench.dir"));
        GatewayHarness h = GatewayHarness.shared();
        try (GatewayServer unaudited = h.startGateway(Map.of())) {
            IssuedCertificate bouncer = h.ca.issueServer("localhost", List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
            IssuedCertificate.PemFiles bouncerTls = bouncer.writePem(dir.resolve("bouncer-tls"));
            String env = String.join("\n",
                    "GW_PORT=" + unaudited.port(),
                    "GW_AUDIT_PORT=" + h.port,
                    "KAFKA=" + Infrastructure.shared().kafka().bootstrapServers(),
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
                    "");
            Files.writeString(dir.resolve("env.tmp"), env);
            Files.move(dir.resolve("env.tmp"), dir.resolve("env"));
            while (!Files.exists(dir.resolve("stop"))) {
                Path request = dir.resolve("stats-request");
                if (Files.exists(request)) {
                    writeStats(unaudited, dir);
                    Files.delete(request);
                }
                Thread.sleep(100); // polling the script's request files, not waiting for a state under test
            }
        }
    }

    private static void writeStats(GatewayServer unaudited, Path dir) throws IOException {
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: 0 kB").replaceAll("\\D", "");
        long nettyDirect = io.netty.util.internal.PlatformDependent.usedDirectMemory();
        MeterRegistry meters = GatewayHarness.meters();
        Files.writeString(dir.resolve("stats.tmp"), "sessions=" + unaudited.liveSessions() + "\nheap_bytes=" + heap
                + "\nbuffer_pool_bytes=" + direct + "\nnetty_direct_bytes=" + nettyDirect + "\nrss_kb=" + rss
                + "\naudit_sent=" + (long) meters.get("nais.gateway.audit.sent").functionCounter().count()
                + "\naudit_dropped=" + (long) meters.get("nais.gateway.audit.dropped").functionCounter().count()
                + "\naudit_spool_bytes=" + (long) meters.get("nais.gateway.audit.spool.bytes").gauge().value() + "\n");
        Files.move(dir.resolve("stats.tmp"), dir.resolve("stats"), StandardCopyOption.REPLACE_EXISTING);
    }
}
