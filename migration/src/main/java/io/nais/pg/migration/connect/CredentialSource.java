package io.nais.pg.migration.connect;

import io.nais.pg.migration.MigrationException;
import io.nais.pg.migration.MigrationException.Failure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where a connection URL comes from: the argument itself, {@code env:VAR} (an
 * environment variable) or {@code file:PATH} (the first non-empty line of a
 * file). The last two keep the password off the command line and out of shell
 * history. Errors name the variable or file, never the value.
 */
public final class CredentialSource {

    private CredentialSource() {
    }

    public static Endpoint resolve(String reference, Function<String, String> environment) {
        return Endpoint.parse(read(reference, environment));
    }

    /** The URL itself (password included): for a caller that hands it on, as the CLI does to backup-service. */
    public static String read(String reference, Function<String, String> environment) {
        if (reference.startsWith("env:")) {
            String name = reference.substring("env:".length());
            String value = environment.apply(name);
            if (value == null || value.isBlank()) {
                throw new MigrationException(Failure.INVALID_INPUT, "plan", "environment variable " + name + " is not set");
            }
            return value;
        }
        if (reference.startsWith("file:")) {
            Path file = Path.of(reference.substring("file:".length()));
            try {
                return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#")).findFirst()
                        .orElseThrow(() -> new MigrationException(Failure.INVALID_INPUT, "plan", file + " holds no URL"));
            } catch (IOException e) {
                throw new MigrationException(Failure.INVALID_INPUT, "plan", "cannot read " + file + ": " + e.getClass().getSimpleName());
            }
        }
        return reference;
    }
}
