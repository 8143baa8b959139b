package io.nais.pg.deploy.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The services' Java runtime: jlink over a Debian OpenJDK 17's jmods, so its version is that Debian
 * package's. Modules: all of Java SE ({@code java.se}: Quarkus and its libraries reach into java.rmi,
 * java.desktop's java.beans, java.sql and more) and the JDK modules the services' libraries use at run
 * time. Headless: the natives that draw on X11, play sound, decode images or talk to smart cards
 * would need libraries the image does not carry, so they are left out and every native in the
 * runtime has its libraries in the image.
 */
final class JavaRuntime {

    private static final String MODULES = String.join(",", "java.se", "jdk.charsets", "jdk.crypto.ec",
            "jdk.crypto.cryptoki", "jdk.jfr", "jdk.localedata", "jdk.management", "jdk.naming.dns", "jdk.net",
            "jdk.security.auth", "jdk.security.jgss", "jdk.unsupported", "jdk.zipfs");
    private static final List<String> NATIVES_LEFT_OUT = List.of("libawt_xawt.so", "libjawt.so", "libsplashscreen.so",
            "libfontmanager.so", "libjsound.so", "libjavajpeg.so", "liblcms.so", "libj2pcsc.so");

    private JavaRuntime() {
    }

    /** Links the runtime into {@code output} (made anew) and returns it. */
    static Path link(Path jdk, Path output) {
        deleteRecursively(output);
        Commands.run(List.of(jdk.resolve("bin/jlink").toString(), "--module-path", jdk.resolve("jmods").toString(),
                "--add-modules", MODULES, "--strip-debug", "--no-header-files", "--no-man-pages",
                "--output", output.toString()));
        for (String library : NATIVES_LEFT_OUT) {
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
