package io.nais.pg.testsupport.tls;

import io.nais.pg.pki.IssuedCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * Password-protected PKCS#12 files as Java clients and servers read them (Kafka's
 * {@code ssl.keystore.location} / {@code ssl.truststore.location}, Strimzi's {@code user.p12} and
 * {@code ca.p12}).
 */
public final class Pkcs12 {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Pkcs12() {
    }

    /** A random password for one store: 24 hex characters. */
    public static String newPassword() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The key, its certificate and chain as one key entry, key and file under {@code password}. */
    public static Path writeKeyStore(Path file, IssuedCertificate key, String password) {
        return write(file, password, store -> store.setKeyEntry(IssuedCertificate.KEY_ALIAS, key.privateKey(),
                password.toCharArray(), key.certificateAndChain().toArray(Certificate[]::new)));
    }

    /** One trusted certificate (a CA), the file under {@code password}. */
    public static Path writeTrustStore(Path file, X509Certificate ca, String password) {
        return write(file, password, store -> store.setCertificateEntry("ca", ca));
    }

    private interface Entries {
        void addTo(KeyStore store) throws GeneralSecurityException;
    }

    private static Path write(Path file, String password, Entries entries) {
        try (OutputStream out = Files.newOutputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            entries.addTo(store);
            store.store(out, password.toCharArray());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not write PKCS#12 store " + file, e);
        }
    }
}
