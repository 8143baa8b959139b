package io.nais.pg.pki;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A key and its certificate chain read from two PEM files (leaf first, as cert-manager's {@code tls.crt} and
 * {@code tls.key}), and read again when either file changes: no restart on rotation.
 *
 * <p>Check on use: each {@link #current()} compares the files' modification time, size and file key (inode)
 * with those it last read, a stat per file, nothing else. Kubernetes updates a mounted Secret by swapping a
 * symlink, so both files change at once; a pair written one file at a time may be read half-new. A pair that
 * does not load (unparseable, or a key that does not sign for the certificate) is logged and the previous one
 * kept until the files change again. No key material is logged.
 */
public final class CertificateFiles {

    private static final System.Logger LOG = System.getLogger(CertificateFiles.class.getName());

    private record Loaded(IssuedCertificate pair, List<Object> stamp) {
    }

    private final Path certificateFile;
    private final Path keyFile;
    private volatile Loaded loaded;

    private CertificateFiles(Path certificateFile, Path keyFile) {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        List<Object> stamp = stamp();
        this.loaded = new Loaded(read(), stamp);
    }

    /** Reads the pair now; fails if it does not load, so a misconfigured service does not start. */
    public static CertificateFiles watch(Path certificateFile, Path keyFile) {
        return new CertificateFiles(certificateFile, keyFile);
    }

    /** The pair as the files hold it now (the same instance until they change). */
    public IssuedCertificate current() {
        List<Object> stamp = stamp();
        Loaded seen = loaded;
        if (stamp == null || stamp.equals(seen.stamp())) {
            return seen.pair();
        }
        synchronized (this) {
            if (!stamp.equals(loaded.stamp())) {
                loaded = reload(stamp);
            }
            return loaded.pair();
        }
    }

    /**
     * Something built from the pair (a TLS context, a CA), built again only when the pair changes. A build that
     * fails is thrown to the caller and tried again on the next call.
     */
    public <T> Supplier<T> derive(Function<IssuedCertificate, T> build) {
        return rebuiltOnChange(this::current, build);
    }

    /** {@code build} of what {@code source} gives, built again only when that is another instance. */
    public static <S, T> Supplier<T> rebuiltOnChange(Supplier<S> source, Function<S, T> build) {
        return new Supplier<>() {
            private S from;
            private T value;

            @Override
            public synchronized T get() {
                S pair = source.get();
                if (pair != from) {
                    value = build.apply(pair);
                    from = pair;
                }
                return value;
            }
        };
    }

    private Loaded reload(List<Object> stamp) {
        try {
            IssuedCertificate pair = read();
            LOG.log(Level.INFO, "reloaded {0} (subject {1}, valid until {2})", certificateFile,
                    pair.certificate().getSubjectX500Principal().getName(), pair.certificate().getNotAfter().toInstant());
            return new Loaded(pair, stamp);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "{0} and {1} changed but do not load ({2}); keeping the previous certificate until "
                    + "they change again", certificateFile, keyFile, e.getClass().getSimpleName());
            return new Loaded(loaded.pair(), stamp);
        }
    }

    private IssuedCertificate read() {
        List<X509Certificate> chain = Pem.readCertificates(certificateFile);
        if (chain.isEmpty()) {
            throw new PkiException(certificateFile + " holds no certificate", null);
        }
        PrivateKey key = Pem.readPrivateKey(keyFile);
        requireMatch(key, chain.get(0));
        return new IssuedCertificate(key, chain.get(0), chain.subList(1, chain.size()));
    }

    /** A key from one rotation and a certificate from the next must not be paired: sign and verify a probe. */
    private static void requireMatch(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new PkiException("unsupported key algorithm " + key.getAlgorithm(), null);
        };
        byte[] probe = "nais certificate files".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new PkiException("the key does not belong to the certificate", null);
            }
        } catch (PkiException e) {
            throw e;
        } catch (Exception e) {
            throw new PkiException("the key does not belong to the certificate", e);
        }
    }

    /** Modification time, size and file key of both files; null while one is missing (mid-swap). */
    private List<Object> stamp() {
        List<Object> stamp = new ArrayList<>();
        for (Path file : List.of(certificateFile, keyFile)) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                stamp.add(attributes.lastModifiedTime());
                stamp.add(attributes.size());
                stamp.add(String.valueOf(attributes.fileKey()));
            } catch (IOException e) {
                return null;
            }
        }
        return stamp;
    }
}
