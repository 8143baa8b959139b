package io.nais.pg.cli.config;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.Environment;
import io.nais.pg.cli.ExitCode;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The resolved configuration: defaults, then {@code config.properties} in the
 * config directory, then {@code NAIS_*} environment variables, then flags
 * ({@link #with}). Later sources win.
 */
public final class CliConfig {

    public static final String FILE_NAME = "config.properties";

    private final Path directory;
    private final Map<ConfigKey, String> values;

    private CliConfig(Path directory, Map<ConfigKey, String> values) {
        this.directory = directory;
        this.values = values;
    }

    public static CliConfig load(Environment environment) {
        Path directory = environment.configDirectory();
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        Properties file = readFile(directory.resolve(FILE_NAME));
        for (ConfigKey key : ConfigKey.values()) {
            Optional.ofNullable(key.defaultValue()).ifPresent(v -> values.put(key, v));
            Optional.ofNullable(file.getProperty(key.key())).map(String::strip).filter(v -> !v.isEmpty())
                    .ifPresent(v -> values.put(key, v));
            environment.get(key.environmentVariable()).ifPresent(v -> values.put(key, v));
        }
        return new CliConfig(directory, values);
    }

    /** A copy with {@code key} set from a flag; a null value (flag not given) changes nothing. */
    public CliConfig with(ConfigKey key, String value) {
        if (value == null || value.isBlank()) {
            return this;
        }
        Map<ConfigKey, String> copy = new EnumMap<>(values);
        copy.put(key, value.strip());
        return new CliConfig(directory, copy);
    }

    public Path directory() {
        return directory;
    }

    public Optional<String> get(ConfigKey key) {
        return Optional.ofNullable(values.get(key));
    }

    /** The value, or a {@link ExitCode#CONFIG} error that says how to set it. */
    public String require(ConfigKey key) {
        return get(key).orElseThrow(() -> new CliException(ExitCode.CONFIG,
                "No " + key.key() + " configured. Set " + key.key() + "= in " + directory.resolve(FILE_NAME)
                        + " or " + key.environmentVariable() + " in the environment."));
    }

    public int requirePort(ConfigKey key) {
        String value = require(key);
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new CliException(ExitCode.CONFIG, key.key() + " must be a port number, not '" + value + "'.");
        }
    }

    private static Properties readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            // No file is a valid configuration: flags and the environment may say it all.
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(ExitCode.CONFIG, "Cannot read " + file + ": " + e.getMessage(), e);
        }
        return properties;
    }
}
