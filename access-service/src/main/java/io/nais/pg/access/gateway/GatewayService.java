package io.nais.pg.access.gateway;

import io.nais.pg.access.directory.AccessDirectory;
import io.nais.pg.access.directory.AccessRevoked;
import io.nais.pg.access.gateway.audit.AuditSettings;
import io.nais.pg.access.gateway.audit.StatementAudit;
import io.nais.pg.access.gateway.auth.TokenVerifier;
import io.nais.pg.kit.outbox.OutboxRelay;
import io.nais.pg.access.gateway.session.SessionEvents;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.CertificateFiles;
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
import jakarta.enterprise.event.ObservesAsync;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs the {@link GatewayServer} with the application: starts it with the
 * configured certificates, ends sessions when access is revoked, drains it on
 * shutdown.
 */
@ApplicationScoped
public class GatewayService {

    private static final Logger LOG = Logger.getLogger(GatewayService.class);
    private static final int BLOCKING_THREADS = 16;

    private final GatewayConfig config;
    private final AccessDirectory directory;
    private final SessionEvents events;
    private final Map<String, Object> kafkaConfig;
    private final MeterRegistry meters;
    private ExecutorService blocking;
    private StatementAudit audit;
    private volatile GatewayServer server;

    GatewayService(GatewayConfig config, AccessDirectory directory, SessionEvents events,
                   @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, MeterRegistry meters) {
        this.config = config;
        this.directory = directory;
        this.events = events;
        this.kafkaConfig = kafkaConfig;
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent startup) {
        if (!config.enabled()) {
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

    /** Ends the person's relayed sessions on the cluster; provisioning has already terminated them on the cluster. */
    void onRevoked(@Observes AccessRevoked revoked) {
        revoke(revoked);
    }

    void onRevokedAsync(@ObservesAsync AccessRevoked revoked) {
        revoke(revoked);
    }

    private void revoke(AccessRevoked revoked) {
        if (server != null) {
            int ended = server.revoke(revoked.clusterId(), revoked.email(), revoked.reason());
            LOG.infof("access revoked on cluster %s (%s): %d gateway session(s) ended", revoked.clusterId(),
                    revoked.reason(), ended);
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

    public boolean isEnabled() {
        return config.enabled();
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
        Supplier<CertificateAuthority> ca = clientCa();
        registerClientCaMeter(ca);
        List<X509Certificate> trusted = config.backend().trustedCaFile().map(Pem::readCertificates)
                .orElse(List.of(ca.get().certificate()));
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

    /**
     * The intermediate the gateway mints client certificates from, read again when cert-manager renews its
     * files (deploy/README.md, "Gateway client CA"): the root's key is never here.
     */
    private Supplier<CertificateAuthority> clientCa() {
        if (config.ca().certFile().isPresent() && config.ca().keyFile().isPresent()) {
            return CertificateFiles.watch(config.ca().certFile().get(), config.ca().keyFile().get())
                    .derive(CertificateAuthority::of);
        }
        LOG.warn("no gateway CA configured (nais.access.gateway.ca.*): using a throwaway CA that no cluster trusts");
        CertificateAuthority throwaway = CertificateAuthority.create("nais gateway throwaway CA", Duration.ofDays(1));
        return () -> throwaway;
    }

    /** The gateway's own TLS certificate, read again when its files change. */
    private Supplier<IssuedCertificate> serverCertificate(Supplier<CertificateAuthority> ca) {
        if (config.tls().certFile().isPresent() && config.tls().keyFile().isPresent()) {
            return CertificateFiles.watch(config.tls().certFile().get(), config.tls().keyFile().get())::current;
        }
        LOG.warn("no gateway TLS certificate configured (nais.access.gateway.tls.*): using a throwaway one");
        IssuedCertificate throwaway = ca.get().issueServer("localhost", List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        return () -> throwaway;
    }

    /** When the client CA ends, for an alert well before (a renewal cert-manager missed): every login fails after it. */
    private void registerClientCaMeter(Supplier<CertificateAuthority> ca) {
        Gauge.builder("nais.gateway.client.ca.not.after.seconds", ca, c -> c.get().notAfter().getEpochSecond())
                .description("end of the client CA's validity (Unix seconds); logins fail with 08004 after it")
                .register(meters);
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
