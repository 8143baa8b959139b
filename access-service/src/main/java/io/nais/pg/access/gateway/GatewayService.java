package io.nais.pg.access.gateway;

import io.nais.pg.access.directory.AccessDirectory;
import io.nais.pg.access.AccessMode;
import io.nais.pg.access.gateway.audit.StatementAudit;
import io.nais.pg.access.gateway.session.SessionEvents;
import io.nais.pg.pki.CertificateAuthority;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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
    /**
     * Removed again at shutdown: the registry may outlive this application (Micrometer's global registry, which
     * a test JVM's next application start shares), and a meter left there would keep reading this gateway.
     */
    private final List<Meter> registered = new ArrayList<>();
    private GatewayMeters gatewayMeters;
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
        audit = StatementAudit.start(ConfiguredGateway.audit(config, kafkaConfig));
        registerAuditMeters(audit);
        GatewaySettings settings = ConfiguredGateway.settings(config);
        registerClientCaMeter(settings.clientCa());
        gatewayMeters = new GatewayMeters(meters);
        server = GatewayServer.create(settings, directory, events, new RequestScopedExecutor(blocking), audit,
                gatewayMeters);
        registerRefusalMeters(server);
        server.start(config.host(), config.port());
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        registered.forEach(meters::remove);
        if (gatewayMeters != null) {
            gatewayMeters.remove();
        }
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

    private void registerAuditMeters(StatementAudit statementAudit) {
        registered.add(FunctionCounter.builder("nais.gateway.audit.sent", statementAudit, StatementAudit::sent)
                .description("statement audit events acknowledged by Kafka").register(meters));
        registered.add(FunctionCounter.builder("nais.gateway.audit.dropped", statementAudit, StatementAudit::dropped)
                .description("statement audit events lost: queue or spool full (audit trail incomplete)")
                .register(meters));
        registered.add(Gauge.builder("nais.gateway.audit.spool.bytes", statementAudit, StatementAudit::spoolBytes)
                .description("statement audit events waiting on disk for Kafka").register(meters));
        // the alert on a filling spool divides by this, so it holds whatever max-bytes a deployment sets
        registered.add(Gauge.builder("nais.gateway.audit.spool.capacity.bytes", config.audit().spool(), spool -> spool.maxBytes())
                .description("the spool's size limit (nais.access.gateway.audit.spool.max-bytes)").register(meters));
    }

    private void registerRefusalMeters(GatewayServer gateway) {
        registered.add(FunctionCounter.builder("nais.gateway.login.unauthenticated.refused", gateway,
                        GatewayServer::unauthenticatedRefusals)
                .description("connections refused before the client authenticated (recorded or not)")
                .register(meters));
        registered.add(FunctionCounter.builder("nais.gateway.login.unauthenticated.held-back", gateway,
                        GatewayServer::unauthenticatedRefusalsHeldBack)
                .description("of those, refusals the rate limit kept from becoming a record of their own")
                .register(meters));
    }

    /** When the client CA ends, for an alert well before (a renewal cert-manager missed): every login fails after it. */
    private void registerClientCaMeter(Supplier<CertificateAuthority> ca) {
        registered.add(Gauge.builder("nais.gateway.client.ca.not.after.seconds", ca, c -> c.get().notAfter().getEpochSecond())
                .description("end of the client CA's validity (Unix seconds); logins fail with 08004 after it")
                .register(meters));
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
