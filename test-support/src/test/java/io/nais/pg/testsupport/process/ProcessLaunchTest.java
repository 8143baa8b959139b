package io.nais.pg.testsupport.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessLaunchTest {

    @TempDir
    Path directory;

    private static void awaitWritten(Path file, Process writer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file) || Files.size(file) == 0) {
            assertThat(writer.isAlive()).isTrue();
            assertThat(System.nanoTime()).as("written within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aKilledProcessStartsAgainWithItsCommandLineInItsDirectory() throws Exception {
        Process original = new ProcessBuilder("sh", "-c", "pwd > started; sleep 600").directory(directory.toFile()).start();
        try {
            Path started = directory.resolve("started");
            awaitWritten(started, original);
            ProcessLaunch launch = ProcessLaunch.of(original.pid());
            original.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Files.delete(started);

            Process again = launch.start(directory.resolve("again.log"));
            try {
                assertThat(launch.command().subList(1, launch.command().size())).containsExactly("-c", "pwd > started; sleep 600");
                assertThat(launch.directory()).isEqualTo(directory.toRealPath());
                awaitWritten(started, again);
                assertThat(Files.readString(started).trim()).isEqualTo(directory.toRealPath().toString());
            } finally {
                again.destroyForcibly();
            }
        } finally {
            original.destroyForcibly();
        }
    }
}
