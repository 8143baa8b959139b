package io.nais.pg.access.gateway;

import io.nais.pg.access.directory.AccessDirectory;
import io.nais.pg.access.AccessMode;
import io.nais.pg.access.gateway.audit.AuditSettings;
import io.nais.pg.access.gateway.audit.StatementAudit;
import io.nais.pg.access.gateway.auth.TokenVerifier;
import io.nais.pg.kit.outbox.OutboxRelay;
import io.nais.pg.access.gateway.session.SessionEvents;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.pki.Pem;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the {@link GatewayServer} with the application: starts it with the
 * configured certificates, ends sessions when access is revoked
 * ({@link AccessRevocations}), drains it on shutdown. Only where the mode serves
 * logins ({@code nais.access.mode} gateway or all): a provisioning process opens
 * no gateway port.
 */
@ApplicationScoped
public class GatewayService {

    private static final Logger LOG = Logger.getLogger(GatewayService.class);
    private static final int BLOCKING_THREADS = 16;

    private final GatewayConfig config;
    private final AccessMode mode;
    private final AccessDirectory directory;
    private final SessionEvents events;
    private final Map<String, Object> kafkaConfig;
    private final MeterRegistry meters;
    private ExecutorService blocking;
    private StatementAudit audit;
    private volatile GatewayServer server;

    GatewayService(GatewayConfig config, @ConfigProperty(name = "nais.access.mode") AccessMode mode,
                   AccessDirectory directory, SessionEvents events,
                   @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, MeterRegistry meters) {
        this.config = config;
        this.mode = mode;
        this.directory = directory;
        this.events = events;
        this.kafkaConfig = kafkaConfig;
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent startup) {
        if (!mode.servesLogins()) {
            return;
        }
        blocking = Executors.newFixedThreadPool(BLOCKING_THREADS, daemonThreads());
        audit = StatementAudit.start(auditSettings());
        registerAuditMeters(audit);
        server = GatewayServer.create(settings(), directory, events, this::withRequestContext, audit);
        registerRefusalMeters(server);
        server.start(config.host(), config.port());
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        if (server != null) {
            server.drain(config.drainTimeout());
            audit.close();
            blocking.shutdown();
            awaitQuietly();
        }
    }

    /** Ends the person's relayed sessions on the cluster; provisioning terminates them on the cluster too. */
    void revoke(String clusterId, String email, String reason) {
        if (server != null) {
            int ended = server.revoke(clusterId, email, reason);
            LOG.infof("access revoked on cluster %s (%s): %d gateway session(s) ended", clusterId, reason, ended);
        }
    }

    /** The bound port (differs from the configured one when that is 0). */
    public int port() {
        return server.port();
    }

    /** Whether new connections are taken; false while draining or when disabled. */
    public boolean isAccepting() {
        return server != null && server.isAccepting();
    }

    public boolean servesLogins() {
        return mode.servesLogins();
    }

    /** Directory reads and outbox writes need a request context for the ORM session. */
    private void withRequestContext(Runnable task) {
        blocking.execute(() -> {
            ManagedContext context = Arc.container().requestContext();
            context.activate();
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("gateway background step failed", e);
                throw e;
            } finally {
                context.terminate();
            }
        });
    }

    private GatewaySettings settings() {
        CertificateAuthority ca = clientCa();
        List<X509Certificate> trusted = config.backend().trustedCaFile().map(Pem::readCertificates)
                .orElse(List.of(ca.certificate()));
        GatewayConfig.Oidc oidc = config.oidc();
        GatewayConfig.Limits limits = config.limits();
        return new GatewaySettings(config.host(), config.port(), serverCertificate(ca), ca, trusted,
                config.ca().clientCertificateValidity(), config.backend().verifyHostname(),
                config.backend().connectTimeout(),
                new TokenVerifier.Settings(
                        oidc.issuer().orElseThrow(() -> missing("oidc.issuer")),
                        oidc.audience().orElseThrow(() -> missing("oidc.audience")),
                        oidc.jwksUri(), oidc.identityClaim(),
                        oidc.clockSkew(), oidc.algorithms(), oidc.jwksRefreshCooldown(),
                        oidc.requireEmailVerified()),
                limits.maxConnections(), limits.maxSessionsPerPerson(), limits.maxStartupPacket(),
                limits.maxPasswordMessage(), limits.startupTimeout(),
                Set.copyOf(config.endSessionAtTokenExpiry().orElse(List.of())), config.eventLoopThreads());
    }

    /**
     * Statement audit goes straight to Kafka through its own producer (the service's
     * {@code kafka.*} settings, as the outbox's): at statement rates a database outbox
     * would put a write on the cluster of record per statement, and the spool gives
     * the same survival of a Kafka outage without one.
     */
    private AuditSettings auditSettings() {
        GatewayConfig.Audit.Statements statements = config.audit().statements();
        GatewayConfig.Audit.Spool spool = config.audit().spool();
        Path spoolDirectory = spool.directory()
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "nais-gateway-audit-spool"));
        return new AuditSettings(statements.enabled(), statements.clusters(), statements.maxBytes(),
                statements.queueCapacity(), statements.batchSize(), statements.drainInterval(), statements.linger(), spoolDirectory,
                spool.maxBytes(), spool.segmentBytes(), spool.whenFull(), statements.retryInterval(), statements.ackTimeout(),
                OutboxRelay.producerConfig(kafkaConfig, "access-service-gateway-audit"));
    }

    private void registerAuditMeters(StatementAudit statementAudit) {
        FunctionCounter.builder("nais.gateway.audit.sent", statementAudit, StatementAudit::sent)
                .description("statement audit events acknowledged by Kafka").register(meters);
        FunctionCounter.builder("nais.gateway.audit.dropped", statementAudit, StatementAudit::dropped)
                .description("statement audit events lost: queue or spool full (audit trail incomplete)")
                .register(meters);
        Gauge.builder("nais.gateway.audit.spool.bytes", statementAudit, StatementAudit::spoolBytes)
                .description("statement audit events waiting on disk for Kafka").register(meters);
    }

    private void registerRefusalMeters(GatewayServer gateway) {
        FunctionCounter.builder("nais.gateway.login.unauthenticated.refused", gateway,
                        GatewayServer::unauthenticatedRefusals)
                .description("connections refused before the client authenticated (recorded or not)").register(meters);
        FunctionCounter.builder("nais.gateway.login.unauthenticated.held-back", gateway,
                        GatewayServer::unauthenticatedRefusalsHeldBack)
                .description("of those, refusals the rate limit kept from becoming a record of their own")
                .register(meters);
    }

    private static IllegalStateException missing(String key) {
        return new IllegalStateException("nais.access.gateway." + key + " must be set when the gateway is enabled");
    }

    private CertificateAuthority clientCa() {
        if (config.ca().certFile().isPresent() && config.ca().keyFile().isPresent()) {
            return CertificateAuthority.of(load(config.ca().certFile().get(), config.ca().keyFile().get()));
        }
        LOG.warn("no gateway CA configured (nais.access.gateway.ca.*): using a throwaway CA that no cluster trusts");
        return CertificateAuthority.create("nais gateway throwaway CA", Duration.ofDays(1));
    }

    private IssuedCertificate serverCertificate(CertificateAuthority ca) {
        if (config.tls().certFile().isPresent() && config.tls().keyFile().isPresent()) {
            return load(config.tls().certFile().get(), config.tls().keyFile().get());
        }
        LOG.warn("no gateway TLS certificate configured (nais.access.gateway.tls.*): using a throwaway one");
        return ca.issueServer("localhost", List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
    }

    private static IssuedCertificate load(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain = Pem.readCertificates(certificateFile);
        return new IssuedCertificate(Pem.readPrivateKey(keyFile), chain.get(0), chain.subList(1, chain.size()));
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger counter = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "gateway-blocking-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private void awaitQuietly() {
        try {
            blocking.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
