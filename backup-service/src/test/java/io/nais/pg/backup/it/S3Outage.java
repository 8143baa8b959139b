package io.nais.pg.backup.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.nais.pg.testsupport.process.ChildJvm;
import io.nais.pg.testsupport.process.FreePorts;
import io.nais.pg.testsupport.s3.S3Store;

/**
 * Takes the JVM's S3 store down and brings it back on the same port with the
 * same data (its own properties file), to prove what an outage mid-upload
 * leaves behind. test-support's S3Store has no stop/start of its own yet.
 */
public final class S3Outage {

    private S3Outage() {
    }

    /** Kills the s3proxy serving {@code store} (found by its properties file on the command line). */
    public static void stop(S3Store store) throws Exception {
        String properties = store.stateDirectory().resolve("s3proxy.properties").toString();
        List<ProcessHandle> servers = ProcessHandle.allProcesses()
                .filter(p -> commandLine(p).contains(properties)).toList();
        if (servers.isEmpty()) {
            throw new IllegalStateException("no s3proxy process for " + store);
        }
        for (ProcessHandle server : servers) {
            server.destroyForcibly();
            server.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    /** The full command line from /proc (ProcessHandle.Info truncates long ones, e.g. a child JVM's classpath). */
    private static String commandLine(ProcessHandle process) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")))
                    .replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Starts s3proxy again on the store's port and data; the caller closes the returned child. */
    static ChildJvm restart(S3Store store) {
        return restart(store, List.of());
    }

    /** As {@link #restart(S3Store)}, with extra JVM flags (they come after, so override, test-support's defaults). */
    public static ChildJvm restart(S3Store store, List<String> jvmArgs) {
        String properties = store.stateDirectory().resolve("s3proxy.properties").toString();
        int port = Integer.parseInt(store.endpoint().substring(store.endpoint().lastIndexOf(':') + 1));
        ChildJvm server = ChildJvm.start(new ChildJvm.Spec("s3proxy-restarted", "s3", "org.gaul.s3proxy.Main", "256m",
                jvmArgs, List.of("--properties", properties), Map.of(), store.stateDirectory()));
        server.awaitReady(() -> FreePorts.accepts(port), 60_000);
        return server;
    }
}
