package io.nais.pg.cli;

import io.nais.pg.cli.auth.AuthCommand;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.psql.PsqlCommand;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nais}: the root command. Plain picocli on a plain JVM, because start
 * time is part of the experience (see bench/cli-startup.sh).
 */
@Command(name = Nais.NAME, mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Nais.Version.class,
        description = "Personal, short-lived access to your team's PostgreSQL databases.",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {"  nais auth login",
                "  nais postgres psql demo-app",
                "  nais postgres proxy demo-app --team team-a --port 5432",
                "  source <(nais completion)"},
        subcommands = {AuthCommand.class, PostgresCommand.class, Nais.Completion.class, CommandLine.HelpCommand.class})
public final class Nais {

    static final String NAME = "nais";

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

    /**
     * Runs one command line; the seam tests use, with their own environment and writers.
     * {@code postgres psql} and {@code postgres proxy} are first parsed by a command line that
     * holds that one command ({@link #connectingCommandAlone}): picocli's model of every command
     * is most of what {@code --help} costs, and a developer waits for these two. Whatever that
     * command line rejects (a help or version request, an unknown option, a missing argument)
     * goes to the full one, so every answer but a command's run is the full model's own.
     */
    public static int run(Environment environment, PrintWriter out, PrintWriter err, String... args) {
        Optional<CommandLine> alone = connectingCommandAlone(environment, args);
        if (alone.isPresent() && parses(alone.get(), args)) {
            return execute(alone.get(), out, err, args);
        }
        return execute(commandLine(environment), out, err, args);
    }

    /** A trial parse (execute parses again: picocli resets every option first); a rejection prints nothing. */
    private static boolean parses(CommandLine commandLine, String... args) {
        try {
            commandLine.parseArgs(args);
            return true;
        } catch (CommandLine.ParameterException e) {
            return false;
        }
    }

    private static int execute(CommandLine commandLine, PrintWriter out, PrintWriter err, String... args) {
        commandLine.setOut(out).setErr(err);
        return commandLine.execute(args);
    }

    /** Every command: for --help, completion, the man page, and any command line but the connecting commands'. */
    public static CommandLine commandLine(Environment environment) {
        CommandLine commandLine = handlingErrors(new CommandLine(new Nais(environment)));
        commandLine.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes());
        return commandLine;
    }

    /**
     * For {@code postgres <psql|proxy> …}: {@code nais} and {@code postgres} without their
     * options and other subcommands (neither has options but help and version, which this
     * command line leaves to the full one), over the one command, whose model picocli builds
     * from its annotations as in the full tree.
     */
    static Optional<CommandLine> connectingCommandAlone(Environment environment, String... args) {
        if (args.length < 2 || !args[0].equals(PostgresCommand.NAME)) {
            return Optional.empty();
        }
        return PostgresCommand.connectingCommand(args[1]).map(command -> {
            Nais nais = new Nais(environment);
            PostgresCommand postgres = new PostgresCommand();
            postgres.nais = nais; // what its @ParentCommand gets in the full tree
            CommandSpec postgresSpec = CommandSpec.wrapWithoutInspection(postgres).name(PostgresCommand.NAME);
            postgresSpec.addSubcommand(args[1], new CommandLine(command));
            CommandSpec root = CommandSpec.wrapWithoutInspection(nais).name(NAME);
            root.addSubcommand(PostgresCommand.NAME, postgresSpec);
            return handlingErrors(new CommandLine(root));
        });
    }

    private static CommandLine handlingErrors(CommandLine commandLine) {
        commandLine.setExecutionExceptionHandler(Nais::explain);
        commandLine.setExitCodeExceptionMapper(Nais::exitCode);
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

    /** Also what picocli returns for a command line it rejects, which would be FAILED without this mapping. */
    private static int exitCode(Throwable e) {
        if (e instanceof CliException cli) {
            return cli.exitCode().status();
        }
        return e instanceof CommandLine.ParameterException ? ExitCode.USAGE.status() : ExitCode.FAILED.status();
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
