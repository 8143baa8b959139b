package io.nais.pg.backup.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * age identities (X25519 private keys, {@code AGE-SECRET-KEY-1…}) read from a
 * file in age-keygen's format: comment lines start with {@code #}. Several
 * lines are several keys, so an old key can stay while a new one rolls in.
 *
 * <p>{@link #toString()} never shows a key.
 */
public final class AgeIdentities {

    private final List<String> secretKeys;

    private AgeIdentities(List<String> secretKeys) {
        this.secretKeys = List.copyOf(secretKeys);
    }

    public static AgeIdentities none() {
        return new AgeIdentities(List.of());
    }

    public static AgeIdentities fromFile(Path file) {
        try {
            List<String> keys = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
            if (keys.isEmpty() || keys.stream().anyMatch(k -> !k.startsWith("AGE-SECRET-KEY-1"))) {
                throw new IllegalStateException("age identity file " + file + " holds no AGE-SECRET-KEY-1… lines only");
            }
            return new AgeIdentities(keys);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read age identity file " + file, e);
        }
    }

    public static AgeIdentities fromOptionalFile(Optional<Path> file) {
        return file.map(AgeIdentities::fromFile).orElseGet(AgeIdentities::none);
    }

    List<String> secretKeys() {
        if (secretKeys.isEmpty()) {
            throw new IllegalStateException("no age identity configured (nais.backup.encryption.identity-file): cannot decrypt");
        }
        return secretKeys;
    }

    @Override
    public String toString() {
        return "AgeIdentities[" + secretKeys.size() + " key(s), hidden]";
    }
}
