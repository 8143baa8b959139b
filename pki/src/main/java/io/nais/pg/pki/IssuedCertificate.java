package io.nais.pg.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A private key with its certificate and the chain up to (and including) the
 * issuing CA. The CA's own {@code IssuedCertificate} has an empty chain.
 *
 * <p>{@link #toString()} never prints the key.
 */
public record IssuedCertificate(PrivateKey privateKey, X509Certificate certificate, List<X509Certificate> chain) {

    /** Alias of the key entry in {@link #toKeyStore()}. */
    public static final String KEY_ALIAS = "key";

    public IssuedCertificate {
        chain = List.copyOf(chain);
    }

    /** Files written by {@link #writePem(Path)}. */
    public record PemFiles(Path certificate, Path privateKey, Path privateKeyDer, Path caCertificate) {
    }

    /**
     * Writes into {@code directory}: {@code tls.crt} (certificate followed by its
     * chain), {@code tls.key} (PKCS#8 PEM, 0600, for libpq and PostgreSQL),
     * {@code tls.pk8} (PKCS#8 DER, 0600, the format pgjdbc's {@code sslkey} reads)
     * and {@code ca.crt} (the root of the chain, or the certificate itself for a CA).
     */
    public PemFiles writePem(Path directory) {
        try {
            Files.createDirectories(directory);
            PemFiles files = new PemFiles(directory.resolve("tls.crt"), directory.resolve("tls.key"),
                    directory.resolve("tls.pk8"), directory.resolve("ca.crt"));
            Pem.writeCertificates(files.certificate(), certificateAndChain());
            Pem.writeOwnerOnly(files.privateKey(), Pem.encode(privateKey).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Pem.writeOwnerOnly(files.privateKeyDer(), privateKey.getEncoded());
            Pem.writeCertificates(files.caCertificate(), List.of(root()));
            return files;
        } catch (IOException e) {
            throw new PkiException("could not write PEM files to " + directory, e);
        }
    }

    /** The certificate as PEM text. */
    public String certificatePem() {
        return Pem.encode(certificate);
    }

    /** The private key as PKCS#8 PEM text. Handle like a password. */
    public String privateKeyPem() {
        return Pem.encode(privateKey);
    }

    /**
     * An in-memory PKCS#12 key store with one key entry ({@link #KEY_ALIAS}) and
     * an empty password, for {@code KeyManagerFactory.init(store, new char[0])}.
     */
    public KeyStore toKeyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(KEY_ALIAS, privateKey, new char[0], certificateAndChain().toArray(Certificate[]::new));
            return store;
        } catch (Exception e) {
            throw new PkiException("could not build key store", e);
        }
    }

    /** The certificate followed by its chain, leaf first. */
    public List<X509Certificate> certificateAndChain() {
        List<X509Certificate> all = new ArrayList<>();
        all.add(certificate);
        all.addAll(chain);
        return all;
    }

    private X509Certificate root() {
        return chain.isEmpty() ? certificate : chain.get(chain.size() - 1);
    }

    @Override
    public String toString() {
        return "IssuedCertificate[subject=" + certificate.getSubjectX500Principal().getName()
                + ", notAfter=" + certificate.getNotAfter().toInstant() + "]";
    }
}
