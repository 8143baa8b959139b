package io.nais.pg.testsupport.age;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An age X25519 key pair made by the standard {@code age-keygen} (Debian
 * package {@code age}), the same tool a person uses in a disaster restore.
 */
public record AgeKeyPair(String recipient, Path identityFile) {

    public static AgeKeyPair generate(Path identityFile) {
        try {
            Files.createDirectories(identityFile.getParent());
            Files.deleteIfExists(identityFile);
            Process keygen = new ProcessBuilder("age-keygen", "-o", identityFile.toString()).redirectErrorStream(true).start();
            String output = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
                throw new IllegalStateException("age-keygen failed: " + output.strip());
            }
            // age-keygen writes the identity 0600 and says "Public key: age1…" on stderr
            String recipient = output.lines().filter(line -> line.startsWith("Public key: "))
                    .map(line -> line.substring("Public key: ".length()).strip())
                    .findFirst().orElseThrow(() -> new IllegalStateException("age-keygen printed no public key"));
            return new AgeKeyPair(recipient, identityFile);
        } catch (IOException e) {
            throw new IllegalStateException("age-keygen is missing: install the Debian package 'age'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running age-keygen", e);
        }
    }
}
