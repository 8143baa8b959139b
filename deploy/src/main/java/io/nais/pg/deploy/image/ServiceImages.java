package io.nais.pg.deploy.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds each service's image as an OCI image-layout tarball ({@code <output>/<service>.tar}) with
 * jib-core, from scratch and with no registry or container engine: Debian's C library and the other
 * libraries the runtime loads, a jlinked Java 17, and the service's Quarkus fast-jar. The image runs
 * as uid 185 and starts {@code java -jar /app/quarkus-run.jar}. File times and the creation time are
 * Jib's fixed epoch; {@code bin/pin-images} writes the manifest digest into an overlay.
 *
 * <p>Arguments: {@code <repository root> <output directory> <jdk> <image prefix> <version> <source url>}
 * and then one {@code <module>:<port>,<port>[:postgresql-client]} per service.
 */
public final class ServiceImages {

    static final AbsoluteUnixPath APP = AbsoluteUnixPath.get("/app");
    static final AbsoluteUnixPath JAVA_HOME = AbsoluteUnixPath.get("/opt/java");
    static final int USER = 185;
    private static final String POSTGRESQL = "/usr/lib/postgresql";

    record Service(String module, List<Integer> ports, boolean postgresqlClient) {

        static Service parse(String spec) {
            String[] parts = spec.split(":");
            return new Service(parts[0], Stream.of(parts[1].split(",")).map(Integer::valueOf).toList(),
                    parts.length > 2 && parts[2].equals("postgresql-client"));
        }
    }

    private final Path root;
    private final Path output;
    private final Path work;
    private final String prefix;
    private final String version;
    private final String source;
    private final String revision;

    private ServiceImages(Path root, Path output, String prefix, String version, String source) {
        this.root = root;
        this.output = output;
        this.work = output.resolve("work");
        this.prefix = prefix;
        this.version = version;
        this.source = source;
        this.revision = Git.revision(root);
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        ServiceImages images = new ServiceImages(root, root.resolve(args[1]), args[3], args[4], args[5]);
        Path runtime = JavaRuntime.link(Path.of(args[2]), images.work.resolve("java"));
        Set<String> systemPackages = DebianPackages.providingLibrariesOf(JavaRuntime.elfFiles(runtime), runtime);
        FileEntriesLayer system = images.systemLayer(systemPackages);
        FileEntriesLayer javaLayer = images.javaLayer(runtime, Path.of(args[2]));
        for (int i = 6; i < args.length; i++) {
            images.build(Service.parse(args[i]), systemPackages, system, javaLayer);
        }
    }

    /** One service's image: system, Java, (PostgreSQL client,) dependencies, the application. */
    private void build(Service service, Set<String> systemPackages, FileEntriesLayer system, FileEntriesLayer runtime)
            throws Exception {
        Path quarkusApp = root.resolve(service.module()).resolve("target/quarkus-app");
        if (!Files.isRegularFile(quarkusApp.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(quarkusApp + " is missing: package " + service.module() + " first");
        }
        JibContainerBuilder image = Jib.fromScratch()
                .setFormat(ImageFormat.OCI)
                .addFileEntriesLayer(system)
                .addFileEntriesLayer(runtime);
        if (service.postgresqlClient()) {
            image.addFileEntriesLayer(postgresqlClientLayer(systemPackages));
        }
        image.addFileEntriesLayer(directoryLayer("dependencies", quarkusApp.resolve("lib"), APP.resolve("lib")))
                .addFileEntriesLayer(applicationLayer(service, quarkusApp))
                .setUser(USER + ":" + USER)
                .setWorkingDirectory(APP)
                .setEnvironment(Map.of("JAVA_HOME", JAVA_HOME.toString(), "PATH", JAVA_HOME + "/bin:/usr/bin:/bin",
                        "LANG", "C.UTF-8"))
                .setEntrypoint(JAVA_HOME + "/bin/java", "-XX:MaxRAMPercentage=75", "-Djava.io.tmpdir=/tmp",
                        "-jar", APP.resolve("quarkus-run.jar").toString())
                .setExposedPorts(service.ports().stream().map(Port::tcp).collect(Collectors.toSet()))
                .setLabels(labels(service));
        Path tarball = output.resolve(service.module() + ".tar");
        JibContainer container = image.containerize(Containerizer.to(TarImage.at(tarball)
                        .named(prefix + "/" + service.module() + ":" + version))
                .setApplicationLayersCache(work.resolve("layer-cache"))
                .setBaseImageLayersCache(work.resolve("base-cache"))
                .setOfflineMode(true)
                .setToolName("nais-pg service-images"));
        System.out.println("[images] " + tarball + " " + container.getDigest());
    }

    private Map<String, String> labels(Service service) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("org.opencontainers.image.title", service.module());
        labels.put("org.opencontainers.image.version", version);
        labels.put("org.opencontainers.image.source", source);
        labels.put("org.opencontainers.image.revision", revision);
        return labels;
    }

    /**
     * The Debian packages whose libraries the runtime loads (libc6, libgcc-s1, libstdc++6, zlib1g), each
     * with its dpkg status record, and the passwd and group files that name uid 185.
     */
    private FileEntriesLayer systemLayer(Set<String> packages) throws IOException {
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("system");
        addPackages(layer, packages);
        layer.addEntry(write("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\n"
                + "quarkus:x:" + USER + ":" + USER + ":quarkus:/app:/sbin/nologin\n"), AbsoluteUnixPath.get("/etc/passwd"),
                FilePermissions.fromOctalString("644"));
        layer.addEntry(write("etc/group", "root:x:0:\nquarkus:x:" + USER + ":\n"), AbsoluteUnixPath.get("/etc/group"),
                FilePermissions.fromOctalString("644"));
        return layer.build();
    }

    private FileEntriesLayer javaLayer(Path runtime, Path jdk) throws IOException {
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("java");
        layer.addEntryRecursive(runtime, JAVA_HOME, ServiceImages::sourcePermissions);
        String jdkPackage = DebianPackages.owner(jdk.resolve("bin/jlink"));
        layer.addEntry(write("status.d/" + jdkPackage, DebianPackages.status(jdkPackage)),
                AbsoluteUnixPath.get("/var/lib/dpkg/status.d/" + jdkPackage), FilePermissions.fromOctalString("644"));
        return layer.build();
    }

    /**
     * backup-service's pg_dump and pg_restore: the newest {@code postgresql-client-<major>} installed on
     * the build machine and the packages of the libraries they load that the system layer lacks.
     */
    private FileEntriesLayer postgresqlClientLayer(Set<String> systemPackages) throws IOException {
        Path bin = newestPostgresqlBin();
        List<Path> tools = List.of(bin.resolve("pg_dump"), bin.resolve("pg_restore"), bin.resolve("psql"));
        Set<String> packages = new TreeSet<>(DebianPackages.providingLibrariesOf(tools, bin.getParent()));
        packages.add(DebianPackages.owner(bin.resolve("pg_dump")));
        packages.removeAll(systemPackages);
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("postgresql-client");
        addPackages(layer, packages);
        return layer.build();
    }

    private static Path newestPostgresqlBin() throws IOException {
        try (Stream<Path> versions = Files.list(Path.of(POSTGRESQL))) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .filter(v -> Files.isExecutable(v.resolve("bin/pg_dump")))
                    .max((a, b) -> Integer.compare(Integer.parseInt(a.getFileName().toString()),
                            Integer.parseInt(b.getFileName().toString())))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL client under " + POSTGRESQL
                            + ": install postgresql-client"));
        }
    }

    private void addPackages(FileEntriesLayer.Builder layer, Set<String> packages) throws IOException {
        for (String pkg : packages) {
            for (String file : DebianPackages.files(pkg)) {
                layer.addEntry(Path.of(file), AbsoluteUnixPath.get(file), sourcePermissions(Path.of(file), null));
            }
            layer.addEntry(write("status.d/" + pkg, DebianPackages.status(pkg)),
                    AbsoluteUnixPath.get("/var/lib/dpkg/status.d/" + pkg), FilePermissions.fromOctalString("644"));
        }
    }

    private static FileEntriesLayer directoryLayer(String name, Path source, AbsoluteUnixPath target) throws IOException {
        return FileEntriesLayer.builder().setName(name).addEntryRecursive(source, target, ServiceImages::sourcePermissions)
                .build();
    }

    /** quarkus-run.jar, the generated quarkus/ and app/ directories, and the SBOM of exactly these jars. */
    private static FileEntriesLayer applicationLayer(Service service, Path quarkusApp) throws IOException {
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("application");
        try (Stream<Path> entries = Files.list(quarkusApp)) {
            for (Path entry : entries.sorted().toList()) {
                if (!entry.getFileName().toString().equals("lib")) {
                    layer.addEntryRecursive(entry, APP.resolve(entry.getFileName().toString()),
                            ServiceImages::sourcePermissions);
                }
            }
        }
        Path sbom = quarkusApp.getParent().resolve("bom.json");
        if (Files.isRegularFile(sbom)) {
            layer.addEntry(sbom, APP.resolve("sbom/bom.json"), FilePermissions.fromOctalString("644"));
        }
        return layer.build();
    }

    /** Read-only for the service (owned by root), executable where the source is: the runtime's launchers. */
    private static FilePermissions sourcePermissions(Path source, AbsoluteUnixPath target) {
        return FilePermissions.fromOctalString(Files.isDirectory(source) || Files.isExecutable(source) ? "755" : "644");
    }

    private Path write(String name, String content) {
        try {
            Path file = work.resolve("generated").resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
