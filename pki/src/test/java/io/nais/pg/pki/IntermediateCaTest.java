package io.nais.pg.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntermediateCaTest {

    private static final CertificateAuthority ROOT = CertificateAuthority.create("root", Duration.ofDays(365));

    @Test
    void aLeafFromAnIntermediateCarriesItAndValidatesAgainstTheRootAlone() throws Exception {
        CertificateAuthority intermediate = ROOT.issueIntermediate("gateway client CA", Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(2)));

        IssuedCertificate leaf = intermediate.issueClient("person@example.com", Duration.ofMinutes(10));

        assertThat(leaf.certificateAndChain()).extracting(X509Certificate::getSubjectX500Principal)
                .extracting(Object::toString).containsExactly("CN=person@example.com", "CN=gateway client CA", "CN=root");
        assertThat(intermediate.certificate().getBasicConstraints()).as("leaves only").isZero();
        var path = CertificateFactory.getInstance("X.509").generateCertPath(leaf.certificateAndChain().subList(0, 2));
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ROOT.certificate(), null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(path, parameters);
    }

    @Test
    void aLeafNeverOutlivesItsIntermediate() {
        Instant end = Instant.now().plus(Duration.ofMinutes(3));
        CertificateAuthority intermediate = ROOT.issueIntermediate("short", Instant.now().minusSeconds(60), end);

        IssuedCertificate leaf = intermediate.issueClient("person@example.com", Duration.ofHours(1));

        assertThat(leaf.certificate().getNotAfter().toInstant()).isEqualTo(intermediate.notAfter())
                .isBefore(Instant.now().plus(Duration.ofMinutes(4)));
    }

    @Test
    void anExpiredIntermediateIssuesNothing() {
        CertificateAuthority expired = ROOT.issueIntermediate("expired", Instant.now().minus(Duration.ofDays(2)),
                Instant.now().minus(Duration.ofDays(1)));

        assertThatThrownBy(() -> expired.issueClient("person@example.com", Duration.ofMinutes(10)))
                .isInstanceOf(CertificateAuthority.ExpiredException.class).hasMessageContaining("issues nothing now");
    }

    @Test
    void certificateFilesAreReadAgainWhenTheyChange(@TempDir Path dir) throws Exception {
        IssuedCertificate first = ROOT.issueIntermediate("first", Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1))).keyAndCertificate();
        IssuedCertificate second = ROOT.issueIntermediate("second", Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1))).keyAndCertificate();
        Path live = dir.resolve("live");
        replace(first, dir.resolve("a"), live);
        CertificateFiles files = CertificateFiles.watch(live.resolve("tls.crt"), live.resolve("tls.key"));
        Supplier<String> subject = files.derive(pair -> pair.certificate().getSubjectX500Principal().getName());
        assertThat(subject.get()).isEqualTo("CN=first");

        replace(second, dir.resolve("b"), live);

        assertThat(subject.get()).isEqualTo("CN=second");
        assertThat(files.current().certificate()).isEqualTo(second.certificate());
    }

    @Test
    void aKeyFromAnotherRotationIsRefusedAndThePreviousPairKept(@TempDir Path dir) throws Exception {
        IssuedCertificate first = ROOT.issueIntermediate("first", Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1))).keyAndCertificate();
        IssuedCertificate other = ROOT.issueIntermediate("other", Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1))).keyAndCertificate();
        Path live = dir.resolve("live");
        replace(first, dir.resolve("a"), live);
        CertificateFiles files = CertificateFiles.watch(live.resolve("tls.crt"), live.resolve("tls.key"));

        // a new certificate beside the old key: half a rotation
        Path staged = dir.resolve("staged");
        other.writePem(staged);
        Files.move(staged.resolve("tls.crt"), live.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);

        assertThat(files.current().certificate()).isEqualTo(first.certificate());
    }

    /** As the kubelet does: write the new files elsewhere, then swap them in by rename. */
    private static void replace(IssuedCertificate pair, Path staging, Path live) throws Exception {
        pair.writePem(staging);
        Files.createDirectories(live);
        for (String name : new String[] {"tls.crt", "tls.key"}) {
            Files.move(staging.resolve(name), live.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
