package io.nais.pg.testsupport.s3;

import io.nais.pg.testsupport.process.ChildJvm;
import io.nais.pg.testsupport.process.FreePorts;
import io.nais.pg.testsupport.process.Reaper;
import io.nais.pg.testsupport.process.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real S3 API ({@code org.gaul:s3proxy}, {@code filesystem-nio2} backend in a
 * temporary directory, AWS signature v4 with a fixed key pair) in a child JVM.
 * Clients must use path-style addressing against {@link #endpoint()}, and AWS
 * SDK v2 clients must set {@code requestChecksumCalculation(WHEN_REQUIRED)}:
 * the SDK's default trailing checksums fail s3proxy's v4 check over HTTP.
 * (The older {@code filesystem} backend lists "directory" keys such as
 * {@code team-a/}; {@code filesystem-nio2} lists only objects.)
 */
public final class S3Store implements AutoCloseable {

    public static final String ACCESS_KEY = "nais-test-access";
    /** A fixed, well-known test credential: this store holds only throwaway test data. */
    public static final String SECRET_KEY = "nais-test-secret-key-0123456789";
    public static final String REGION = "us-east-1";

    private final Path directory;
    private final int port;
    private final ChildJvm server;

    private S3Store(Path directory, int port, ChildJvm server) {
        this.directory = directory;
        this.port = port;
        this.server = server;
    }

    public static S3Store start() {
        Path directory = TempDirs.create("s3");
        try {
            int port = FreePorts.next();
            Files.createDirectories(blobs(directory));
            Path config = writeConfig(directory, port);
            ChildJvm server = ChildJvm.start(new ChildJvm.Spec("s3proxy", "s3", "org.gaul.s3proxy.Main", "256m",
                    List.of(), List.of("--properties", config.toString()), Map.of(), directory));
            S3Store store = new S3Store(directory, port, server);
            Reaper.register(store);
            server.awaitReady(() -> FreePorts.accepts(port), 60_000);
            return store;
        } catch (IOException e) {
            TempDirs.delete(directory);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            TempDirs.delete(directory);
            throw e;
        }
    }

    /** Re-opens a store another class loader of this JVM started; closing it is a no-op. */
    public static S3Store attach(Path stateDirectory) {
        Properties config = new Properties();
        try (var reader = Files.newBufferedReader(stateDirectory.resolve("s3proxy.properties"))) {
            config.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String endpoint = config.getProperty("s3proxy.endpoint");
        return new S3Store(stateDirectory, Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1)), null);
    }

    public String endpoint() {
        return "http://" + FreePorts.HOST + ":" + port;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public String region() {
        return REGION;
    }

    /**
     * Creates a bucket. With s3proxy's filesystem backend a bucket is a
     * directory under the base directory, so no signed request is needed
     * (and test-support needs no AWS SDK).
     */
    public void createBucket(String name) {
        try {
            Files.createDirectories(blobs(directory).resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create bucket " + name, e);
        }
    }

    /** The directory holding this store's state; {@link #attach(Path)} reads it. */
    public Path stateDirectory() {
        return directory;
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        Reaper.deregister(this);
        server.close();
        TempDirs.delete(directory);
    }

    @Override
    public String toString() {
        return "S3Store[" + endpoint() + "]";
    }

    private static Path blobs(Path directory) {
        return directory.resolve("blobs");
    }

    private static Path writeConfig(Path directory, int port) throws IOException {
        String config = String.join("\n",
                "s3proxy.endpoint=http://" + FreePorts.HOST + ":" + port,
                "s3proxy.authorization=aws-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + blobs(directory),
                "");
        return Files.writeString(directory.resolve("s3proxy.properties"), config);
    }
}
