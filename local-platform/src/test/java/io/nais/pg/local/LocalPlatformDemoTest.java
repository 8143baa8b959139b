package io.nais.pg.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "run the platform locally" command, end to end: {@code
 * bin/local-platform demo} starts the real platform from this build (Kafka,
 * PostgreSQL clusters, OIDC issuer, S3, the four services as processes) and
 * walks through it with the real CLI and psql: a member added is provisioned
 * and logs in through the gateway as themselves, DDL is refused, a non-member
 * is refused, a removed member's role is gone, the console lists the clusters.
 */
class LocalPlatformDemoTest {

    private static final Path REPOSITORY = Path.of(System.getProperty("nais.repo.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path state;

    @Test
    void demoWalkThroughPassesOnAFreshPlatformAndStopsEverything() throws Exception {
        Path output = state.resolve("demo.out");
        ProcessBuilder builder = new ProcessBuilder(REPOSITORY.resolve("bin/local-platform").toString(), "demo")
                .directory(REPOSITORY.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // a state directory of its own, so a developer's running platform is left alone
        builder.environment().put("NAIS_LOCAL_STATE", state.resolve("local").toString());
        builder.environment().remove("NAIS_CONFIG_DIR");
        Process demo = builder.start();
        demo.getOutputStream().close();
        boolean finished = demo.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            demo.descendants().forEach(ProcessHandle::destroy);
            demo.destroyForcibly();
        }
        String log = read(output);
        assertThat(finished).as("demo finished within 10 minutes; output:%n%s", log).isTrue();
        assertThat(demo.exitValue()).as("demo exit code; output:%n%s", log).isZero();
        assertThat(log).contains("current_user = demo-").contains("CREATE TABLE refused").contains("1000 migrated invoices").contains("demo: all");
        // the platform the demo started for itself is gone again: Ctrl-C semantics, no endpoints left behind
        assertThat(state.resolve("local/platform.env")).doesNotExist();
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
