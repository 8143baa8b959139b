package io.nais.pg.access.gateway;

import io.nais.pg.access.gateway.auth.TokenVerifier;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.IssuedCertificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Everything a {@link GatewayServer} is built from, already loaded (keys read,
 * certificates parsed). {@link GatewayConfig} is turned into this by
 * {@link ConfiguredGateway}, in production and in the tests alike.
 *
 * @param serverCertificate the gateway's own TLS key and certificate chain, shown to clients; asked for each
 *                          connection, so a renewed one is shown without a restart
 * @param clientCa          signs the per-person client certificates: a short-lived intermediate under the root
 *                          the clusters trust in {@code ssl_ca_file} (deploy/README.md); asked for each mint
 * @param trustedClusterCas CAs the clusters' server certificates are checked against
 */
public record GatewaySettings(
        String host,
        int port,
        Supplier<IssuedCertificate> serverCertificate,
        Supplier<CertificateAuthority> clientCa,
        List<X509Certificate> trustedClusterCas,
        Duration clientCertificateValidity,
        boolean verifyClusterHostname,
        Duration backendConnectTimeout,
        TokenVerifier.Settings token,
        int maxConnections,
        int maxSessionsPerPerson,
        int maxStartupPacket,
        int maxPasswordMessage,
        Duration startupTimeout,
        Set<String> endSessionAtTokenExpiry,
        int eventLoopThreads,
        Set<String> readOnlyTeams) {
}
