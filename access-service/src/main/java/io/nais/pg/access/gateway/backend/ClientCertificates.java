package io.nais.pg.access.gateway.backend;

import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.IssuedCertificate;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.jboss.logging.Logger;

/**
 * TLS client contexts that log a person in to a cluster with {@code cert}
 * authentication: a certificate whose CN is the person's email, minted from the
 * gateway's client CA, valid for minutes.
 *
 * <p>The client CA is a short-lived intermediate under the root the clusters
 * trust ({@code ssl_ca_file}); the root's key is never in the gateway. Each
 * certificate carries the intermediate in its chain, so a cluster that trusts
 * only the root accepts it, and ends no later than the intermediate. The CA is
 * asked for on every mint: a renewed intermediate (new files) is used from the
 * next login on, and a certificate minted from the one before is not reused.
 *
 * <p>One certificate per person is reused until a third of its life is left, so a
 * burst of connections costs one EC signature, not one each; a certificate that
 * leaks is useless soon after. The key never leaves the JVM.
 */
public final class ClientCertificates {

    private static final Logger LOG = Logger.getLogger(ClientCertificates.class);

    private record Entry(SslContext context, Instant renewAt, CertificateAuthority ca) {
    }

    private final Supplier<CertificateAuthority> ca;
    private final List<X509Certificate> trustedServerCas;
    private final Duration validity;
    private final Clock clock;
    private final ConcurrentMap<String, Entry> byPerson = new ConcurrentHashMap<>();

    public ClientCertificates(Supplier<CertificateAuthority> ca, List<X509Certificate> trustedServerCas, Duration validity,
                              Clock clock) {
        this.ca = ca;
        this.trustedServerCas = List.copyOf(trustedServerCas);
        this.validity = validity;
        this.clock = clock;
    }

    /**
     * A client context presenting a current certificate for {@code email}.
     *
     * @throws CertificateAuthority.ExpiredException when the client CA is outside its validity (not renewed in time)
     */
    public SslContext forPerson(String email) {
        Instant now = clock.instant();
        CertificateAuthority current = ca.get();
        Entry entry = byPerson.get(email);
        if (entry == null || entry.ca() != current || !now.isBefore(entry.renewAt())) {
            entry = mint(email, current, now);
            byPerson.put(email, entry);
        }
        return entry.context();
    }

    /** Forgets the person's certificate, e.g. when their access ends. */
    public void forget(String email) {
        byPerson.remove(email);
    }

    private Entry mint(String email, CertificateAuthority current, Instant now) {
        IssuedCertificate issued;
        try {
            issued = current.issueClient(email, validity);
        } catch (CertificateAuthority.ExpiredException e) {
            // every login fails until the intermediate is renewed: the operators' problem, said once per attempt
            LOG.errorf("the gateway's client CA cannot issue (renew the intermediate, deploy/README.md): %s", e.getMessage());
            throw e;
        }
        try {
            SslContext context = SslContextBuilder.forClient()
                    .keyManager(issued.privateKey(), issued.certificateAndChain().toArray(X509Certificate[]::new))
                    .trustManager(trustedServerCas.toArray(X509Certificate[]::new))
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
            // the certificate may be shorter than asked for (it never outlives the CA): renew on its own clock
            Duration life = Duration.between(now, issued.certificate().getNotAfter().toInstant());
            return new Entry(context, now.plus(life.multipliedBy(2).dividedBy(3)), current);
        } catch (SSLException e) {
            throw new IllegalStateException("could not build the backend TLS context", e);
        }
    }
}
