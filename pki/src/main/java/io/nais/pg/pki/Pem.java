package io.nais.pg.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/** PEM encoding and decoding of certificates and PKCS#8 private keys. */
public final class Pem {

    private Pem() {
    }

    /** PEM text of a certificate or a private key (PKCS#8, unencrypted). */
    public static String encode(Object certificateOrKey) {
        try {
            PemObject object;
            if (certificateOrKey instanceof X509Certificate c) {
                object = new PemObject("CERTIFICATE", c.getEncoded());
            } else if (certificateOrKey instanceof PrivateKey k) {
                object = new JcaPKCS8Generator(k, null).generate();
            } else {
                throw new IllegalArgumentException("not a certificate or private key: " + certificateOrKey.getClass());
            }
            StringWriter text = new StringWriter();
            try (PemWriter writer = new PemWriter(text)) {
                writer.writeObject(object);
            }
            return text.toString();
        } catch (IOException | java.security.cert.CertificateEncodingException e) {
            throw new PkiException("could not encode PEM", e);
        }
    }

    /** Writes the certificates, in order, as one PEM file (world-readable: certificates are public). */
    public static void writeCertificates(Path file, List<X509Certificate> certificates) {
        StringBuilder text = new StringBuilder();
        certificates.forEach(c -> text.append(encode(c)));
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads every certificate of a PEM file, in order. */
    public static List<X509Certificate> readCertificates(Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
            return certificates;
        } catch (Exception e) {
            throw new PkiException("could not read certificates from " + file, e);
        }
    }

    /** Reads an unencrypted PKCS#8 private key from a PEM file. */
    public static PrivateKey readPrivateKey(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object o = parser.readObject();
            if (o instanceof PrivateKeyInfo info) {
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
            throw new PkiException("no PKCS#8 private key in " + file, null);
        } catch (IOException e) {
            throw new PkiException("could not read private key from " + file, e);
        }
    }

    /** Creates or replaces {@code file} with owner-only permissions set before any byte is written. */
    static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, content, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
