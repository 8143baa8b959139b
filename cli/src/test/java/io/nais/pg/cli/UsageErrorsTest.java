package io.nais.pg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command line nais cannot parse exits with the documented usage status (ExitCode.USAGE), whichever model parses it. */
class UsageErrorsTest {

    @TempDir
    Path home;

    @Test
    void anUnknownCommandFlagOrValueExitsWithTheUsageStatusAndSaysWhy() {
        for (String[] args : List.of(new String[] {"postgress"}, new String[] {"auth", "status", "--nope"},
                new String[] {"postgres", "psql"}, new String[] {"postgres", "proxy", "demo-app", "--port", "x"})) {
            StringWriter err = new StringWriter();
            int status = Nais.run(new Environment(Map.of("NAIS_CONFIG_DIR", home.resolve("config").toString()), home),
                    new PrintWriter(new StringWriter()), new PrintWriter(err), args);

            assertThat(status).as(String.join(" ", args)).isEqualTo(ExitCode.USAGE.status());
            assertThat(err.toString()).as(String.join(" ", args)).isNotBlank();
        }
    }
}
