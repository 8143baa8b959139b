package io.nais.pg.deploy;

import io.nais.pg.testsupport.process.TempDirs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A service image's filesystem, extracted once per JVM from the build's tarball, and how to run one
 * of its programs without a container engine: through the image's own dynamic loader, told to search
 * only the image's library directories first ({@code --library-path}). What the image lacks the loader
 * would still find on this host, so a test that must see the image's own libraries checks what was
 * loaded (LD_DEBUG=libs).
 */
record ImageFilesystem(Path root) {

    static final String LOADER = "/lib64/ld-linux-x86-64.so.2";
    static final String JAVA = "/opt/java/bin/java";
    private static final List<String> LIBRARY_PATH = List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu");
    private static final Map<String, ImageFilesystem> EXTRACTED = new ConcurrentHashMap<>();

    static ImageFilesystem of(String module) {
        return EXTRACTED.computeIfAbsent(module, m -> {
            Path root = TempDirs.create("image-" + m);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> TempDirs.delete(root)));
            return new ImageFilesystem(ImageTarball.built(m).extract(root));
        });
    }

    /** A path of the image, on this host. */
    Path path(String inImage) {
        return root.resolve(inImage.replaceAll("^/+", ""));
    }

    /** The command that runs this program of the image on the image's loader and libraries. */
    List<String> command(String program) {
        return List.of(path(LOADER).toString(), "--library-path",
                LIBRARY_PATH.stream().map(d -> path(d).toString()).collect(Collectors.joining(":")), path(program).toString());
    }
}
