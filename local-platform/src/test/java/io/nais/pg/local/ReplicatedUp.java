package io.nais.pg.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/local-platform up --replicas 2 --brokers 3} as a person runs it, in a state directory of its own,
 * and its {@code platform.env} once written: the replicated platform the fault drills run on.
 */
final class ReplicatedUp {

    private static final Path REPOSITORY = Path.of(System.getProperty("nais.repo.root", "..")).toAbsolutePath().normalize();
    /** Eleven JVMs and three brokers on a loaded 2-core machine. */
    private static final Duration UP = Duration.ofMinutes(10);

    private final Path state;
    private final Process up;
    private final Map<String, String> environment;

    private ReplicatedUp(Path state, Process up, Map<String, String> environment) {
        this.state = state;
        this.up = up;
        this.environment = environment;
    }

    /** Starts it with {@code settings} added to its environment; returns once platform.env is written. */
    static ReplicatedUp start(String name, Map<String, String> settings) throws Exception {
        Path state = Files.createTempDirectory(name);
        ProcessBuilder builder = new ProcessBuilder(REPOSITORY.resolve("bin/local-platform").toString(), "up",
                "--replicas", "2", "--brokers", "3")
                .directory(REPOSITORY.toFile())
                .redirectErrorStream(true)
                .redirectOutput(state.resolve("up.out").toFile());
        builder.environment().put("NAIS_LOCAL_STATE", state.resolve("local").toString());
        builder.environment().putAll(settings);
        Process up = builder.start();
        LocalState local = new LocalState(state.resolve("local"));
        Instant deadline = Instant.now().plus(UP);
        while (!Files.exists(local.environmentFile()) && up.isAlive() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(Files.exists(local.environmentFile()) && up.isAlive()).as("up is running with its platform.env; output:%n%s",
                output(state)).isTrue();
        return new ReplicatedUp(state, up, local.readEnvironment());
    }

    /** The test's own directory (up's output is {@code up.out} there). */
    Path state() {
        return state;
    }

    LocalState local() {
        return new LocalState(state.resolve("local"));
    }

    Map<String, String> environment() {
        return environment;
    }

    /** A space-separated variable of platform.env, such as {@code PIDS_KAFKA} or {@code GATEWAY_PORTS}. */
    List<String> list(String variable) {
        return Arrays.asList(environment.get(variable).trim().split(" +"));
    }

    String output() {
        return output(state);
    }

    /** {@code bin/local-platform down}: stops every service instance it started, then the brokers and the rest. */
    void down() throws Exception {
        Commands.down(local());
        assertThat(up.waitFor(1, TimeUnit.MINUTES)).as("up exited after down").isTrue();
    }

    private static String output(Path state) {
        try {
            Path file = state.resolve("up.out");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }
}
