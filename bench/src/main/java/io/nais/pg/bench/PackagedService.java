package io.nais.pg.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.nais.pg.testsupport.process.ServiceJvm;

/** The benchmarks' services: each a {@link ServiceJvm} of its packaged jar, on the heap the figures were taken with. */
public final class PackagedService {

    private PackagedService() {
    }

    /** Starts {@code jar} as the process {@code name} with {@code config}, on free ports; does not wait for readiness. */
    public static ServiceJvm start(String name, Path jar, Map<String, String> config) {
        return ServiceJvm.of(name, jar).maxHeap("512m").jvmArgs(extraJvmArgs()).config(config).start();
    }

    /** e.g. {@code -Dbench.serviceJvmArgs=-XX:StartFlightRecording=filename=/tmp/access.jfr} to profile a service. */
    private static List<String> extraJvmArgs() {
        String extra = System.getProperty("bench.serviceJvmArgs", "").strip();
        return extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
    }
}
