package io.nais.pg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code nais postgres psql} and {@code nais postgres proxy} are parsed by a command line of
 * that one command ({@link Nais#run}), and everything it rejects is answered exactly as the
 * full model of every command answers it. (That their runs are the same commands' runs is
 * what PostgresCommandsTest and InstalledCliIT prove, through {@code run} and {@code main}.)
 */
class ConnectingCommandLaunchTest {

    @TempDir
    Path home;

    @Test
    void postgresPsqlAndProxyAreParsedWithoutTheModelOfAnyOtherCommand() {
        for (String command : List.of("psql", "proxy")) {
            CommandLine alone = Nais.connectingCommandAlone(environment(), "postgres", command, "demo-app").orElseThrow();

            assertThat(alone.getSubcommands()).containsOnlyKeys("postgres");
            assertThat(alone.getSubcommands().get("postgres").getSubcommands()).containsOnlyKeys(command);
        }
        for (String[] other : List.of(new String[] {"postgres", "dba", "list"}, new String[] {"postgres"}, new String[] {"auth", "status"},
                new String[] {"--help"}, new String[] {"psql", "postgres"})) {
            assertThat(Nais.connectingCommandAlone(environment(), other)).as(String.join(" ", other)).isEmpty();
        }
    }

    @Test
    void whatThatCommandLineRejectsIsAnsweredByTheFullModel() {
        for (String[] args : List.of(new String[] {"postgres", "psql"}, new String[] {"postgres", "psql", "--help"},
                new String[] {"postgres", "psql", "demo-app", "-h"}, new String[] {"postgres", "psql", "demo-app", "-V"},
                new String[] {"postgres", "psql", "demo-app", "--nope"}, new String[] {"postgres", "psql", "demo-app", "--team"},
                new String[] {"postgres", "proxy", "demo-app", "--port", "x"}, new String[] {"postgres", "proxy", "demo-app", "more"},
                new String[] {"postgres", "proxy", "--version"})) {
            assertThat(answer(args, true)).as(String.join(" ", args)).isEqualTo(answer(args, false));
        }
    }

    /** Exit status, stdout and stderr of {@link Nais#run}, or of the full model alone. */
    private List<Object> answer(String[] args, boolean throughRun) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status;
        if (throughRun) {
            status = Nais.run(environment(), new PrintWriter(out), new PrintWriter(err), args);
        } else {
            CommandLine full = Nais.commandLine(environment());
            full.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
            status = full.execute(args);
        }
        return List.of(status, out.toString(), err.toString());
    }

    private Environment environment() {
        return new Environment(Map.of("NAIS_CONFIG_DIR", home.resolve("config").toString()), home);
    }
}
