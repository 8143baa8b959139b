package io.nais.pg.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.SignatureException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

    static final CertificateAuthority CA = CertificateAuthority.create("nais test CA", Duration.ofDays(1));

    @Test
    void issuedClientCertificateVerifiesAgainstTheCaAndNotAgainstAnother() throws Exception {
        IssuedCertificate client = CA.issueClient("me@example.com", Duration.ofHours(1));

        client.certificate().verify(CA.certificate().getPublicKey());
        assertThat(client.chain()).containsExactly(CA.certificate());
        assertThat(client.certificate().getIssuerX500Principal()).isEqualTo(CA.certificate().getSubjectX500Principal());
        assertThat(client.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(client.certificate().getBasicConstraints()).isEqualTo(-1);

        CertificateAuthority other = CertificateAuthority.create("other", Duration.ofDays(1));
        assertThatThrownBy(() -> client.certificate().verify(other.certificate().getPublicKey()))
                .isInstanceOf(SignatureException.class);
    }

    @Test
    void commonNameRoundTripsAsUtf8StringForAnyEmail() throws Exception {
        for (String email : List.of("me@example.com", "\"quoted name\"@example.com", "first.last+tag@example.com",
                "ærlig.østlund@eksempel.no", "a,b=c;d\\e@example.com")) {
            X509Certificate cert = CA.issueClient(email, Duration.ofMinutes(5)).certificate();

            RDN cn = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN)[0];
            ASN1Primitive value = cn.getFirst().getValue().toASN1Primitive();
            assertThat(value).isInstanceOf(DERUTF8String.class);
            assertThat(((DERUTF8String) value).getString()).isEqualTo(email);
        }
    }

    @Test
    void validityStartsJustBeforeNowAndEndsAfterTheRequestedDuration() throws Exception {
        Instant before = Instant.now();
        X509Certificate cert = CA.issueClient("me@example.com", Duration.ofMinutes(10)).certificate();

        assertThat(cert.getNotBefore().toInstant()).isBeforeOrEqualTo(before);
        assertThat(cert.getNotAfter().toInstant()).isBetween(before.plus(Duration.ofMinutes(10)).minusSeconds(1),
                Instant.now().plus(Duration.ofMinutes(10)));
        cert.checkValidity(new Date());
        assertThatThrownBy(() -> cert.checkValidity(Date.from(Instant.now().plus(Duration.ofMinutes(11)))))
                .isInstanceOf(CertificateExpiredException.class);
    }

    @Test
    void serverCertificateCarriesDnsAndIpSubjectAlternativeNames() throws Exception {
        X509Certificate cert = CA.issueServer("db", List.of("localhost", "127.0.0.1", "::1"), Duration.ofHours(1)).certificate();

        assertThat(cert.getSubjectAlternativeNames())
                .extracting(san -> san.get(0) + "=" + san.get(1))
                .containsExactly("2=localhost", "7=127.0.0.1", "7=0:0:0:0:0:0:0:1");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        cert.verify(CA.certificate().getPublicKey());
    }

    @Test
    void caIsACertificateAuthorityThatSignsItself() throws Exception {
        X509Certificate ca = CA.certificate();
        assertThat(ca.getBasicConstraints()).as("one level of intermediates").isEqualTo(1);
        assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
        ca.verify(ca.getPublicKey());
    }

    @Test
    void pemFilesRoundTripAndKeysAreOwnerOnly(@TempDir Path dir) throws Exception {
        IssuedCertificate client = CA.issueClient("me@example.com", Duration.ofHours(1));

        IssuedCertificate.PemFiles files = client.writePem(dir);

        assertThat(Pem.readCertificates(files.certificate())).containsExactly(client.certificate(), CA.certificate());
        assertThat(Pem.readCertificates(files.caCertificate())).containsExactly(CA.certificate());
        assertThat(Pem.readPrivateKey(files.privateKey())).isEqualTo(client.privateKey());
        assertThat(Files.readString(files.privateKey())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(files.privateKeyDer()))))
                .isEqualTo(client.privateKey());
        for (Path key : List.of(files.privateKey(), files.privateKeyDer())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        }
    }

    @Test
    void caSurvivesBeingWrittenAndReadBack(@TempDir Path dir) throws Exception {
        IssuedCertificate.PemFiles files = CA.keyAndCertificate().writePem(dir);
        CertificateAuthority reloaded = CertificateAuthority.of(new IssuedCertificate(
                Pem.readPrivateKey(files.privateKey()), Pem.readCertificates(files.certificate()).get(0), List.of()));

        reloaded.issueClient("me@example.com", Duration.ofMinutes(1)).certificate().verify(CA.certificate().getPublicKey());
    }

    @Test
    void toStringDoesNotRevealThePrivateKey() {
        IssuedCertificate client = CA.issueClient("me@example.com", Duration.ofHours(1));
        String pemBody = client.privateKeyPem().lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertThat(client.toString()).contains("me@example.com").doesNotContain(pemBody);
    }
}
