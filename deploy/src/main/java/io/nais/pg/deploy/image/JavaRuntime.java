package io.nais.pg.deploy.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The services' Java runtime: jlink over a Debian OpenJDK 17's jmods, so its version is that Debian
 * package's. Modules: what Quarkus, Hibernate, Kafka, the Kubernetes client and the AWS SDK use, and
 * java.desktop for java.beans. Headless: the natives that draw on X11, play sound or decode images
 * would need libraries the image does not carry, so they are left out and every native in the runtime
 * has its libraries in the image.
 */
final class JavaRuntime {

    private static final String MODULES = String.join(",", "java.base", "java.compiler", "java.desktop",
            "java.instrument", "java.logging", "java.management", "java.naming", "java.net.http", "java.scripting",
            "java.security.jgss", "java.security.sasl", "java.sql", "java.transaction.xa", "java.xml",
            "jdk.crypto.ec", "jdk.crypto.cryptoki", "jdk.jfr", "jdk.management", "jdk.naming.dns",
            "jdk.unsupported", "jdk.zipfs");
    private static final List<String> GRAPHICAL_NATIVES = List.of("libawt_xawt.so", "libjawt.so", "libsplashscreen.so",
            "libfontmanager.so", "libjsound.so", "libjavajpeg.so", "liblcms.so");

    private JavaRuntime() {
    }

    /** Links the runtime into {@code output} (made anew) and returns it. */
    static Path link(Path jdk, Path output) {
        deleteRecursively(output);
        run(List.of(jdk.resolve("bin/jlink").toString(), "--module-path", jdk.resolve("jmods").toString(),
                "--add-modules", MODULES, "--strip-debug", "--no-header-files", "--no-man-pages",
                "--output", output.toString()));
        for (String library : GRAPHICAL_NATIVES) {
            delete(output.resolve("lib").resolve(library));
        }
        return output;
    }

    /** Its ELF files: the launchers, the JVM and the natives. */
    static List<Path> elfFiles(Path runtime) {
        try (Stream<Path> files = Files.walk(runtime)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getParent().getFileName().toString().equals("bin") || f.toString().endsWith(".so"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(JavaRuntime::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
