package io.nais.pg.cli.testing;

import io.nais.pg.cli.Environment;
import io.nais.pg.cli.Nais;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** Runs one {@code nais} command line in this JVM with the given environment; captures what it prints. */
public final class InProcess {

    private InProcess() {
    }

    public record Result(int exitCode, String out, String err) {
    }

    public static Result run(Map<String, String> variables, Path home, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Nais.run(new Environment(variables, home), new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }
}
