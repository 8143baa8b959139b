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
import javax.net.ssl.SSLException;

/**
 * TLS client contexts that log a person in to a cluster with {@code cert}
 * authentication: a certificate whose CN is the person's email, minted from the
 * gateway's CA, valid for minutes.
 *
 * <p>One certificate per person is reused until a third of its life is left, so a
 * burst of connections costs one EC signature, not one each; a certificate that
 * leaks is useless soon after. The key never leaves the JVM.
 */
public final class ClientCertificates {

    private record Entry(SslContext context, Instant renewAt) {
    }

    private final CertificateAuthority ca;
    private final List<X509Certificate> trustedServerCas;
    private final Duration validity;
    private final Clock clock;
    private final ConcurrentMap<String, Entry> byPerson = new ConcurrentHashMap<>();

    public ClientCertificates(CertificateAuthority ca, List<X509Certificate> trustedServerCas, Duration validity, Clock clock) {
        this.ca = ca;
        this.trustedServerCas = List.copyOf(trustedServerCas);
        this.validity = validity;
        this.clock = clock;
    }

    /** A client context presenting a current certificate for {@code email}. */
    public SslContext forPerson(String email) {
        Instant now = clock.instant();
        Entry entry = byPerson.get(email);
        if (entry == null || !now.isBefore(entry.renewAt())) {
            entry = mint(email, now);
            byPerson.put(email, entry);
        }
        return entry.context();
    }

    /** Forgets the person's certificate, e.g. when their access ends. */
    public void forget(String email) {
        byPerson.remove(email);
    }

    private Entry mint(String email, Instant now) {
        IssuedCertificate issued = ca.issueClient(email, validity);
        try {
            SslContext context = SslContextBuilder.forClient()
                    .keyManager(issued.privateKey(), issued.certificateAndChain().toArray(X509Certificate[]::new))
                    .trustManager(trustedServerCas.toArray(X509Certificate[]::new))
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
            return new Entry(context, now.plus(validity.multipliedBy(2).dividedBy(3)));
        } catch (SSLException e) {
            throw new IllegalStateException("could not build the backend TLS context", e);
        }
    }
}
