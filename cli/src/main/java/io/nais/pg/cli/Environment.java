package io.nais.pg.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What the process inherits: environment variables and the home directory.
 * Commands read these only through this class, so tests run the real commands
 * with an environment of their own (NAIS_TOKEN, NAIS_CONFIG_DIR) instead of
 * mutating the JVM's.
 */
public record Environment(Map<String, String> variables, Path home) {

    public Environment {
        variables = Map.copyOf(variables);
    }

    public static Environment ofProcess() {
        return new Environment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    public Optional<String> get(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    /**
     * {@code NAIS_CONFIG_DIR}, else {@code $XDG_CONFIG_HOME/nais}, else
     * {@code ~/.config/nais}. Holds config.properties and the token cache.
     */
    public Path configDirectory() {
        return get("NAIS_CONFIG_DIR").map(Path::of)
                .or(() -> get("XDG_CONFIG_HOME").map(xdg -> Path.of(xdg, "nais")))
                .orElseGet(() -> home.resolve(".config").resolve("nais"));
    }
}
