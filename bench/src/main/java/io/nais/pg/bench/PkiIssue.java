package io.nais.pg.bench;

import io.nais.pg.pki.CertificateAuthority;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;

/**
 * Cost of minting one client certificate (what the gateway does per login),
 * against the floor measured in the same run: generating the EC P-256 key
 * pair alone.
 *
 * <p>Usage: {@code PkiIssue [iterations]} (default 5000, after 2000 warm-up).
 */
public final class PkiIssue {

    private PkiIssue() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        CertificateAuthority ca = CertificateAuthority.create("bench CA", Duration.ofDays(1));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        for (int i = 0; i < 2000; i++) {
            generator.generateKeyPair();
            ca.issueClient("warm-up@example.com", Duration.ofMinutes(5));
        }
        Stats keyOnly = new Stats("baseline: JDK (SunEC) P-256 key pair only");
        Stats issue = new Stats("issueClient (key + certificate + signature)");
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            generator.generateKeyPair();
            keyOnly.add(System.nanoTime() - start);
            start = System.nanoTime();
            ca.issueClient("person" + i + "@example.com", Duration.ofMinutes(5));
            issue.add(System.nanoTime() - start);
        }
        System.out.printf("%-46s %7s %10s %10s %8s%n", "what", "runs", "p50 µs", "mean µs", "x base");
        for (Stats s : List.of(keyOnly, issue)) {
            System.out.printf("%-46s %7d %10.0f %10.0f %8.1f%n", s.name(), s.runs(), s.p50Micros(), s.meanMicros(),
                    s.p50Micros() / keyOnly.p50Micros());
        }
    }
}
