package io.nais.pg.testsupport.postgres;

import io.nais.pg.testsupport.process.Reaper;
import io.nais.pg.testsupport.process.TempDirs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One initdb per JVM and set of binaries; every cluster starts from a copy.
 * Copying the fresh data directory takes tens of milliseconds where initdb
 * takes most of a second (more on a loaded machine), and tests make many
 * clusters. Each cluster replaces the template's superuser password with its
 * own right after its first start.
 */
final class DataDirectoryTemplate implements AutoCloseable {

    private static final Map<Path, DataDirectoryTemplate> BY_BINARIES = new ConcurrentHashMap<>();

    private final Path directory;
    private final String password;

    private DataDirectoryTemplate(Path directory, String password) {
        this.directory = directory;
        this.password = password;
    }

    static DataDirectoryTemplate forBinaries(Path binDir) {
        return BY_BINARIES.computeIfAbsent(binDir, DataDirectoryTemplate::initdb);
    }

    /** The superuser password every copy starts with. */
    String password() {
        return password;
    }

    /** Copies the template's data directory to {@code data}, whose parent the server user must own. */
    void copyTo(Path data, Path output) {
        ServerTools.run(List.of("cp", "-a", directory.resolve("data").toString(), data.toString()),
                "copying the template data directory", output, output);
    }

    @Override
    public void close() {
        TempDirs.delete(directory);
    }

    private static DataDirectoryTemplate initdb(Path binDir) {
        Path directory = TempDirs.create("pg-template");
        String password = PostgresCluster.randomSecret();
        Path passwordFile = directory.resolve("initdb.pw");
        ClusterFiles.writeOwnerOnly(passwordFile, password);
        OsUser.handOver(directory);
        Path output = directory.resolve("initdb.log");
        try {
            ServerTools.run(List.of(binDir.resolve("initdb").toString(), "-D", directory.resolve("data").toString(),
                    "-U", OsUser.POSTGRES, "--pwfile=" + passwordFile, "--auth=scram-sha-256", "--encoding=UTF8",
                    "--locale=C", "--no-sync", "--no-instructions"), "initdb", output, output);
        } catch (RuntimeException e) {
            TempDirs.delete(directory);
            throw e;
        } finally {
            passwordFile.toFile().delete();
        }
        DataDirectoryTemplate template = new DataDirectoryTemplate(directory, password);
        Reaper.register(template);
        return template;
    }
}
