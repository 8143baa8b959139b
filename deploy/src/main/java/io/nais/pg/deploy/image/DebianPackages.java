package io.nais.pg.deploy.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The build machine's installed Debian packages, read with dpkg: which package provides the shared
 * libraries an ELF file needs, the files a package installed, and its status record. The images take
 * their C library, libstdc++, zlib and (backup-service) the PostgreSQL client from here, as distroless
 * takes them from Debian's archive: every file of the image's system layer is a Debian package's file.
 */
final class DebianPackages {

    /** Documentation, manuals and translations: nothing a service runs. */
    private static final List<String> LEFT_OUT = List.of("/usr/share/doc/", "/usr/share/man/", "/usr/share/info/",
            "/usr/share/lintian/", "/usr/share/locale/", "/usr/share/bug/");

    private DebianPackages() {
    }

    /**
     * The packages providing every shared library these ELF files load (ldd, so transitively), but
     * those the files bring themselves (under {@code tree}, such as libjvm.so in the runtime).
     */
    static Set<String> providingLibrariesOf(Collection<Path> elfFiles, Path tree) {
        Set<String> packages = new TreeSet<>();
        // the loader finds the files' own libraries (libjvm.so) once loaded; ldd is told where they are
        String ownLibraries = elfFiles.stream().filter(f -> f.toString().endsWith(".so")).map(f -> f.getParent().toString())
                .distinct().collect(Collectors.joining(":"));
        for (Path elf : elfFiles) {
            for (String line : Commands.output(Map.of("LD_LIBRARY_PATH", ownLibraries), "ldd", elf.toString())) {
                // "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
                String library = line.contains("=>") ? line.replaceAll(".*=>\\s*(\\S+).*", "$1") : line.trim().split("\\s+")[0];
                if (library.startsWith("/") && !Path.of(library).normalize().startsWith(tree)) {
                    packages.add(owner(Path.of(library)));
                } else if (line.contains("not found")) {
                    throw new IllegalStateException(elf + " needs " + line.trim() + ", which no installed package provides");
                }
            }
        }
        return packages;
    }

    /**
     * The package that installed this file. Debian 12's /lib is a link to /usr/lib and dpkg knows each
     * file under the directory its package names, so the path is tried as given, resolved, and with
     * and without /usr.
     */
    static String owner(Path file) {
        List<String> candidates = new ArrayList<>();
        for (String path : List.of(file.toString(), resolved(file).toString())) {
            candidates.add(path);
            candidates.add(path.startsWith("/usr/") ? path.substring(4) : "/usr" + path);
        }
        for (String candidate : candidates) {
            List<String> found = Commands.outputIfItSucceeds(Map.of(), "dpkg-query", "-S", candidate);
            if (!found.isEmpty()) {
                return found.get(0).substring(0, found.get(0).indexOf(':'));
            }
        }
        throw new IllegalStateException("no installed Debian package owns " + file);
    }

    /** The regular files (links followed) a package installed, without its documentation. */
    static List<String> files(String pkg) {
        return run("dpkg-query", "-L", pkg).stream()
                .filter(path -> LEFT_OUT.stream().noneMatch(path::startsWith))
                .filter(path -> Files.isRegularFile(Path.of(path)))
                .toList();
    }

    /** The package's dpkg status record, what scanners read from {@code /var/lib/dpkg/status.d/<package>}. */
    static String status(String pkg) {
        return String.join("\n", run("dpkg-query", "-s", pkg)) + "\n";
    }

    static String version(String pkg) {
        return run("dpkg-query", "-W", "-f=${Version}", pkg).get(0);
    }

    private static Path resolved(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file;
        }
    }

    private static List<String> run(String... command) {
        return Commands.output(Map.of(), command);
    }
}
