package io.nais.pg.access.gateway;

import io.nais.pg.access.gateway.audit.AuditSettings;
import io.nais.pg.access.gateway.auth.TokenVerifier;
import io.nais.pg.kit.outbox.OutboxRelay;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.CertificateFiles;
import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.pki.Pem;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Turns {@link GatewayConfig} into loaded settings (keys read, certificates parsed). The one way from
 * {@code nais.access.gateway.*} to a running gateway: {@link GatewayService} uses it, and so do the tests,
 * so a limit or an override in the configuration is proven to reach the gateway.
 */
final class ConfiguredGateway {

    private static final Logger LOG = Logger.getLogger(ConfiguredGateway.class);

    private ConfiguredGateway() {
    }

    static GatewaySettings settings(GatewayConfig config) {
        Supplier<CertificateAuthority> ca = clientCa(config);
        List<X509Certificate> trusted = config.backend().trustedCaFile().map(Pem::readCertificates)
                .orElse(List.of(ca.get().certificate()));
        GatewayConfig.Oidc oidc = config.oidc();
        GatewayConfig.Limits limits = config.limits();
        return new GatewaySettings(config.host(), config.port(), serverCertificate(config, ca), ca, trusted,
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
                Set.copyOf(config.endSessionAtTokenExpiry().orElse(List.of())), config.eventLoopThreads(),
                Set.copyOf(config.readOnlyTeams().orElse(List.of())));
    }

    /**
     * Statement audit goes straight to Kafka through its own producer ({@code kafkaConfig}: the service's
     * {@code kafka.*} settings, as the outbox's): at statement rates a database outbox would put a write on the
     * cluster of record per statement, and the spool gives the same survival of a Kafka outage without one.
     */
    static AuditSettings audit(GatewayConfig config, Map<String, Object> kafkaConfig) {
        GatewayConfig.Audit.Statements statements = config.audit().statements();
        GatewayConfig.Audit.Spool spool = config.audit().spool();
        Path spoolDirectory = spool.directory()
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "nais-gateway-audit-spool"));
        return new AuditSettings(statements.enabled(), statements.clusters(), statements.maxBytes(),
                statements.queueCapacity(), statements.batchSize(), statements.drainInterval(), statements.linger(),
                spoolDirectory, spool.maxBytes(), spool.segmentBytes(), spool.whenFull(), statements.retryInterval(),
                statements.ackTimeout(), OutboxRelay.producerConfig(kafkaConfig, "access-service-gateway-audit"));
    }

    private static IllegalStateException missing(String key) {
        return new IllegalStateException("nais.access.gateway." + key + " must be set when the gateway is enabled");
    }

    /**
     * The intermediate the gateway mints client certificates from, read again when cert-manager renews its
     * files (deploy/README.md, "Gateway client CA"): the root's key is never here.
     */
    private static Supplier<CertificateAuthority> clientCa(GatewayConfig config) {
        if (config.ca().certFile().isPresent() && config.ca().keyFile().isPresent()) {
            return CertificateFiles.watch(config.ca().certFile().get(), config.ca().keyFile().get())
                    .derive(CertificateAuthority::of);
        }
        LOG.warn("no gateway CA configured (nais.access.gateway.ca.*): using a throwaway CA that no cluster trusts");
        CertificateAuthority throwaway = CertificateAuthority.create("nais gateway throwaway CA", Duration.ofDays(1));
        return () -> throwaway;
    }

    /** The gateway's own TLS certificate, read again when its files change. */
    private static Supplier<IssuedCertificate> serverCertificate(GatewayConfig config,
                                                                 Supplier<CertificateAuthority> ca) {
        if (config.tls().certFile().isPresent() && config.tls().keyFile().isPresent()) {
            return CertificateFiles.watch(config.tls().certFile().get(), config.tls().keyFile().get())::current;
        }
        LOG.warn("no gateway TLS certificate configured (nais.access.gateway.tls.*): using a throwaway one");
        IssuedCertificate throwaway = ca.get().issueServer("localhost", List.of("localhost", "127.0.0.1"),
                Duration.ofDays(1));
        return () -> throwaway;
    }
}
