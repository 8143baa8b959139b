package io.nais.pg.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority that issues server and client certificates: a
 * self-signed root ({@link #create}), or an intermediate under one
 * ({@link #issueIntermediate}, or {@link #of} with key and chain from files).
 * Every certificate it issues carries the chain up to the root and ends no
 * later than the CA itself; an expired CA issues nothing. Thread-safe: issuing
 * only reads the CA's key and certificate.
 */
public final class CertificateAuthority {

    /** Tolerates clock skew between the machine that issues and the one that verifies. */
    static final Duration BACKDATE = Duration.ofMinutes(1);
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * BouncyCastle's own provider, not registered globally: its P-256 code is
     * about twice as fast as the JDK's SunEC for key generation and signing,
     * and issuing runs once per gateway login.
     */
    private static final Provider BC = new BouncyCastleProvider();

    private final IssuedCertificate self;
    private final X500Name subject;
    private final JcaX509ExtensionUtils extensions;

    private CertificateAuthority(IssuedCertificate self) {
        this.self = self;
        this.subject = X500Name.getInstance(self.certificate().getSubjectX500Principal().getEncoded());
        this.extensions = extensionUtils();
    }

    /** Creates a new CA with a fresh key, valid from now (minus skew) for {@code validity}. */
    public static CertificateAuthority create(String commonName, Duration validity) {
        KeyPair keys = newKeyPair();
        X500Name name = commonName(commonName);
        try {
            JcaX509ExtensionUtils utils = extensionUtils();
            X509v3CertificateBuilder builder = builder(name, name, keys, validity)
                    // path length 1: one level of intermediates (the gateway's short-lived client CA)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(1))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate certificate = sign(builder, keys);
            return new CertificateAuthority(new IssuedCertificate(keys.getPrivate(), certificate, List.of()));
        } catch (Exception e) {
            throw new PkiException("could not create CA " + commonName, e);
        }
    }

    /**
     * An intermediate CA under this one, valid from {@code notBefore} to {@code notAfter}, that may issue
     * leaf certificates only (path length 0). Verifiers that trust only this CA's certificate accept what
     * the intermediate issues, since every issued certificate carries the intermediate in its chain.
     */
    public CertificateAuthority issueIntermediate(String commonName, Instant notBefore, Instant notAfter) {
        requireValid(Instant.now());
        KeyPair keys = newKeyPair();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(notBefore),
                    Date.from(notAfter), commonName(commonName), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(self.certificate()));
            X509Certificate certificate = sign(builder, new KeyPair(self.certificate().getPublicKey(), self.privateKey()));
            return new CertificateAuthority(new IssuedCertificate(keys.getPrivate(), certificate, self.certificateAndChain()));
        } catch (PkiException e) {
            throw e;
        } catch (Exception e) {
            throw new PkiException("could not issue intermediate CA " + commonName, e);
        }
    }

    /** Rebuilds a CA from a key and certificate loaded elsewhere (e.g. {@link Pem#readCertificate}). */
    public static CertificateAuthority of(IssuedCertificate caKeyAndCertificate) {
        return new CertificateAuthority(caKeyAndCertificate);
    }

    /**
     * Issues a TLS server certificate. Each SAN that parses as an IP literal
     * becomes an IP address entry, every other one a DNS name.
     */
    public IssuedCertificate issueServer(String commonName, Collection<String> subjectAlternativeNames, Duration validity) {
        List<ASN1Encodable> names = new ArrayList<>();
        for (String san : subjectAlternativeNames) {
            names.add(isIpLiteral(san)
                    ? new GeneralName(GeneralName.iPAddress, san)
                    : new GeneralName(GeneralName.dNSName, san));
        }
        return issue(commonName, validity, KeyPurposeId.id_kp_serverAuth, names);
    }

    /** Issues a TLS client certificate whose subject CN is {@code commonName}, exactly. */
    public IssuedCertificate issueClient(String commonName, Duration validity) {
        return issue(commonName, validity, KeyPurposeId.id_kp_clientAuth, List.of());
    }

    /** The CA's own certificate, to be trusted by verifiers. */
    public X509Certificate certificate() {
        return self.certificate();
    }

    /** An in-memory PKCS#12 trust store holding only this CA's certificate, for a {@code TrustManagerFactory}. */
    public java.security.KeyStore trustStore() {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", self.certificate());
            return store;
        } catch (Exception e) {
            throw new PkiException("could not build trust store", e);
        }
    }

    /** The CA's key and certificate, e.g. to persist the CA with {@link IssuedCertificate#writePem}. */
    public IssuedCertificate keyAndCertificate() {
        return self;
    }

    /** When this CA's own certificate ends; nothing it issues outlives it. */
    public Instant notAfter() {
        return self.certificate().getNotAfter().toInstant();
    }

    /** The CA's certificate is outside its validity: it must not issue (an expired intermediate, a clock far off). */
    public static final class ExpiredException extends PkiException {
        ExpiredException(String message) {
            super(message, null);
        }
    }

    private void requireValid(Instant now) {
        if (!now.isBefore(notAfter()) || now.isBefore(self.certificate().getNotBefore().toInstant())) {
            throw new ExpiredException("CA \"" + self.certificate().getSubjectX500Principal().getName()
                    + "\" is valid only from " + self.certificate().getNotBefore().toInstant() + " to " + notAfter()
                    + "; it issues nothing now");
        }
    }

    private IssuedCertificate issue(String commonName, Duration validity, KeyPurposeId purpose, List<ASN1Encodable> sans) {
        Instant now = Instant.now();
        requireValid(now);
        // a leaf never outlives its CA: a verifier would refuse the chain from the CA's end on
        Instant notAfter = now.plus(validity).isAfter(notAfter()) ? notAfter() : now.plus(validity);
        KeyPair keys = newKeyPair();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), commonName(commonName), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(self.certificate()));
            if (!sans.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new DERSequence(sans.toArray(ASN1Encodable[]::new)));
            }
            X509Certificate certificate = sign(builder, new KeyPair(self.certificate().getPublicKey(), self.privateKey()));
            return new IssuedCertificate(keys.getPrivate(), certificate, self.certificateAndChain());
        } catch (Exception e) {
            // The common name may be a person's email: it is not a secret, but keep errors short.
            throw new PkiException("could not issue certificate", e);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, serial(),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, keys.getPublic());
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        ContentSigner contentSigner = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).setProvider(BC).build(signer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    }

    /** BCStyle encodes CN as UTF8String; building the name by RDN avoids any parsing of quotes or '+'. */
    private static X500Name commonName(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new PkiException("EC P-256 is not available in this JVM", e);
        }
    }

    private static JcaX509ExtensionUtils extensionUtils() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (Exception e) {
            throw new PkiException("SHA-1 digest is not available in this JVM", e);
        }
    }

    private static boolean isIpLiteral(String san) {
        if (san.contains(":")) {
            return true;
        }
        if (!san.matches("[0-9.]+")) {
            return false;
        }
        try {
            InetAddress.getByName(san);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
