package io.nais.pg.cli;

import io.nais.pg.cli.auth.AuthCommand;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.psql.PsqlCommand;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nais}: the root command. Plain picocli on a plain JVM, because start
 * time is part of the experience (see bench/cli-startup.sh).
 */
@Command(name = "nais", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Nais.Version.class,
        description = "Personal, short-lived access to your team's PostgreSQL databases.",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {"  nais auth login",
                "  nais postgres psql demo-app",
                "  nais postgres proxy demo-app --team team-a --port 5432",
                "  source <(nais completion)"},
        subcommands = {AuthCommand.class, PostgresCommand.class, Nais.Completion.class, CommandLine.HelpCommand.class})
public final class Nais {

    private final Environment environment;
    private CliConfig config;

    public Nais(Environment environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(launch(Environment.ofProcess(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** What {@code main} does: {@link #run}, after giving {@code postgres psql} its {@link PsqlCommand#headStart head start}. */
    static int launch(Environment environment, PrintWriter out, PrintWriter err, String... args) {
        PsqlCommand.headStart(environment, args);
        return run(environment, out, err, args);
    }

    /** Runs one command line; the seam tests use, with their own environment and writers. */
    public static int run(Environment environment, PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = commandLine(environment);
        commandLine.setOut(out).setErr(err);
        return commandLine.execute(args);
    }

    public static CommandLine commandLine(Environment environment) {
        CommandLine commandLine = new CommandLine(new Nais(environment));
        commandLine.setExecutionExceptionHandler(Nais::explain);
        commandLine.setExitCodeExceptionMapper(e -> e instanceof CliException c ? c.exitCode().status() : ExitCode.FAILED.status());
        commandLine.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes());
        return commandLine;
    }

    public Environment environment() {
        return environment;
    }

    /** Loaded on first use, so that --help never touches the file system. */
    public synchronized CliConfig config() {
        if (config == null) {
            config = CliConfig.load(environment);
        }
        return config;
    }

    private static int explain(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (e instanceof CliException cli) {
            err.println("nais: " + cli.getMessage());
            err.flush();
            return cli.exitCode().status();
        }
        err.println("nais: unexpected error: " + e);
        if (parseResult != null && parseResult.originalArgs().contains("--debug")) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCode.FAILED.status();
    }

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitCode code : ExitCode.values()) {
            codes.put(String.format("%3d", code.status()), code.meaning());
        }
        return codes;
    }

    @Command(name = "completion", description = "Print a bash/zsh completion script for nais.",
            footerHeading = "%nExamples:%n",
            footer = {"  source <(nais completion)                        # this shell",
                    "  nais completion > ~/.local/share/bash-completion/completions/nais"})
    static final class Completion implements Runnable {
        @Spec CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().print(AutoComplete.bash("nais", spec.root().commandLine()));
            spec.commandLine().getOut().flush();
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Nais.class.getPackage().getImplementationVersion();
            return new String[] {"nais " + (version == null ? "development build" : version)};
        }
    }
}
