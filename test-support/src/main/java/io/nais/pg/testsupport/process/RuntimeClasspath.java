package io.nais.pg.testsupport.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the classpath a {@code test-support/runtimes/<name>} module recorded
 * with {@code dependency:build-classpath}. Entries are relative to the local
 * Maven repository, written as {@code $M2_REPO}.
 */
final class RuntimeClasspath {

    private RuntimeClasspath() {
    }

    static String of(String runtime) {
        String resource = "io/nais/pg/testsupport/runtime/" + runtime + ".classpath";
        String recorded;
        try (InputStream in = RuntimeClasspath.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource + ": build it with "
                        + "./mvnw -pl test-support/runtimes/" + runtime + " install");
            }
            recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String repository = localRepository().toString();
        List<String> entries = new ArrayList<>();
        for (String entry : recorded.split(File.pathSeparator)) {
            String path = entry.replace("$M2_REPO", repository);
            if (!Files.exists(Path.of(path))) {
                throw new IllegalStateException("missing " + path + " of runtime " + runtime
                        + ": resolve it with ./mvnw -pl test-support/runtimes/" + runtime + " install");
            }
            entries.add(path);
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Path localRepository() {
        String configured = System.getProperty("maven.repo.local");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }
}
