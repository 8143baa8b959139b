package io.nais.pg.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Everything the local platform keeps lives under {@code .local/}: the
 * endpoints file other tools read ({@code platform.env}), the CLI's config,
 * the local CAs, each service's config and log, and the components' data.
 */
final class LocalState {

    private final Path root;

    LocalState(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    Path environmentFile() {
        return root.resolve("platform.env");
    }

    Path cliConfigDirectory() {
        return root.resolve("cli");
    }

    Path pkiDirectory() {
        return root.resolve("pki");
    }

    Path serviceDirectory(String service) {
        return root.resolve("services").resolve(service);
    }

    Path clustersFile() {
        return root.resolve("clusters.yaml");
    }

    Path pidFile() {
        return root.resolve("up.pid");
    }

    /** The variables of a running platform, as {@code up} wrote them. */
    Map<String, String> readEnvironment() {
        Path file = environmentFile();
        if (!Files.exists(file)) {
            throw new LocalPlatform.UsageException("no running platform: start it with bin/local-platform up");
        }
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> variables = new LinkedHashMap<>();
        properties.forEach((key, value) -> variables.put(key.toString(), unquote(value.toString())));
        return variables;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("'") && value.endsWith("'")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}
