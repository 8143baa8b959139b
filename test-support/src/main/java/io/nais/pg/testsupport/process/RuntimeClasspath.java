package io.nais.pg.testsupport.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the classpath a {@code test-support/runtimes/<name>} module recorded
 * with {@code dependency:build-classpath}, plus the module's own jar (or classes
 * directory). Entries are relative to the local Maven repository, written as
 * {@code $M2_REPO}.
 */
final class RuntimeClasspath {

    private RuntimeClasspath() {
    }

    static String of(String runtime) {
        String resource = "io/nais/pg/testsupport/runtime/" + runtime + ".classpath";
        String recorded;
        URL location = RuntimeClasspath.class.getClassLoader().getResource(resource);
        try (InputStream in = location == null ? null : location.openStream()) {
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
        entries.add(codeRoot(location, resource));
        return String.join(File.pathSeparator, entries);
    }

    /**
     * The jar or classes directory that holds the recorded resource: a runtime module's own
     * classes (the oidc runtime's main, for one) run in the child with its recorded classpath.
     */
    private static String codeRoot(URL location, String resource) {
        String url = location.toString();
        String root = url.startsWith("jar:") ? url.substring("jar:".length(), url.indexOf("!/"))
                : url.substring(0, url.length() - resource.length());
        try {
            return Path.of(new URI(root)).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate " + resource + " at " + url, e);
        }
    }

    private static Path localRepository() {
        String configured = System.getProperty("maven.repo.local");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }
}
