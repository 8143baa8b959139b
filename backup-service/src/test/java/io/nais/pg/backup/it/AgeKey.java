package io.nais.pg.backup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** An age X25519 key pair made by the Debian {@code age-keygen} CLI, as an operator would. */
public record AgeKey(Path identityFile, String recipient) {

    private static final String SERVICE_KEY_PROPERTY = "io.nais.pg.backup.it.service-key";

    /** The service's key, made once per JVM (the profile and the tests share it across class loaders). */
    public static synchronized AgeKey service() {
        String existing = System.getProperty(SERVICE_KEY_PROPERTY);
        if (existing != null) {
            return read(Path.of(existing));
        }
        AgeKey key = generate();
        System.setProperty(SERVICE_KEY_PROPERTY, key.identityFile().toString());
        return key;
    }

    /** A fresh key pair nobody encrypted to. */
    public static AgeKey generate() {
        try {
            Path directory = Files.createTempDirectory("age-key");
            Path file = directory.resolve("key.txt");
            Process keygen = new ProcessBuilder("age-keygen", "-o", file.toString()).redirectErrorStream(true).start();
            keygen.getInputStream().readAllBytes();
            if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
                throw new IllegalStateException("age-keygen failed (Debian package 'age')");
            }
            return read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("age-keygen not runnable: install the Debian package 'age'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static AgeKey read(Path file) {
        try {
            String recipient = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("# public key: "))
                    .map(line -> line.substring("# public key: ".length()).strip())
                    .findFirst().orElseThrow();
            return new AgeKey(file, recipient);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
