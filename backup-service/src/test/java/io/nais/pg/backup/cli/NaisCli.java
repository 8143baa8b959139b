package io.nais.pg.backup.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import io.nais.pg.cli.Environment;
import io.nais.pg.cli.Nais;

/** The real {@code nais} CLI, run in-process through its picocli entry point with the environment a test gives it. */
public final class NaisCli {

    /** What a run printed and its exit status. */
    public record Run(int exit, String out, String err) {
    }

    private NaisCli() {
    }

    public static Run run(Map<String, String> variables, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Nais.run(new Environment(variables, Path.of(System.getProperty("user.home"))),
                new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }
}
