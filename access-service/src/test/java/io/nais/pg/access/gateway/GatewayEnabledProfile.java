package io.nais.pg.access.gateway;

import io.nais.pg.access.GatewayReaderRole;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.pki.Pem;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The gateway and provisioning in one process ({@code nais.access.mode=all}), for a login on a role
 * provisioning made: the CA the gateway mints client certificates from is made here, before the
 * application starts, so the test can make clusters that trust it.
 */
public class GatewayEnabledProfile implements QuarkusTestProfile {

    /**
     * One directory per JVM: Quarkus loads this class in its own class loader too, and both must see one CA.
     * Named by pid and start time, since a pid alone comes back: a directory an earlier JVM with the same pid
     * left behind held a CA long expired, and every gateway test then failed to boot.
     */
    private static final Path DIRECTORY = Path.of(System.getProperty("java.io.tmpdir"),
            "gateway-e2e-ca-" + ProcessHandle.current().pid() + "-"
                    + ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(0L));
    static final IssuedCertificate.PemFiles CA_FILES = new IssuedCertificate.PemFiles(
            DIRECTORY.resolve("tls.crt"), DIRECTORY.resolve("tls.key"), DIRECTORY.resolve("tls.pk8"),
            DIRECTORY.resolve("ca.crt"));
    static final CertificateAuthority CA = loadOrCreate();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "nais.access.mode", "all",
                "nais.access.gateway.host", "127.0.0.1",
                "nais.access.gateway.port", "0",
                "nais.access.gateway.oidc.issuer", "${nais.oidc.issuer}",
                "nais.access.gateway.oidc.audience", OidcIssuer.DEFAULT_AUDIENCE,
                "nais.access.gateway.ca.cert-file", CA_FILES.certificate().toString(),
                "nais.access.gateway.ca.key-file", CA_FILES.privateKey().toString(),
                "nais.access.gateway.drain-timeout", "1s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(GatewayReaderRole.class));
    }

    static Path caCertificateFile() {
        return CA_FILES.caCertificate();
    }

    private static synchronized CertificateAuthority loadOrCreate() {
        if (Files.exists(CA_FILES.caCertificate())) {
            return CertificateAuthority.of(new IssuedCertificate(Pem.readPrivateKey(CA_FILES.privateKey()),
                    Pem.readCertificates(CA_FILES.certificate()).get(0), List.of()));
        }
        CertificateAuthority ca = CertificateAuthority.create("gateway-e2e CA", Duration.ofHours(2));
        ca.keyAndCertificate().writePem(DIRECTORY);
        // deleteOnExit runs in reverse order of registration: the files first, then their (then empty) directory.
        DIRECTORY.toFile().deleteOnExit();
        try (var files = Files.list(DIRECTORY)) {
            files.forEach(file -> file.toFile().deleteOnExit());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ca;
    }
}
