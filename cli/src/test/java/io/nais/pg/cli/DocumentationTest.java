package io.nais.pg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.cli.config.ConfigKey;
import io.nais.pg.cli.testing.InProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The docs a person reads are generated from the code and kept equal to it. */
class DocumentationTest {

    static final Path README = Path.of(System.getProperty("nais.repo.root", ".."), "cli", "README.md");

    @Test
    void readmeListsTheExitCodesTheCodeReturns() throws Exception {
        assertThat(Files.readString(README)).contains(ExitCode.markdownTable());
    }

    @Test
    void readmeListsTheConfigurationKeysTheCodeReads() throws Exception {
        assertThat(Files.readString(README)).contains(ConfigKey.markdownTable());
    }

    @Test
    void everyCommandAnswersHelpWithExamples() {
        List<String> withoutExamples = new ArrayList<>();
        walk(Nais.commandLine(new Environment(Map.of(), Path.of("."))), withoutExamples);
        assertThat(withoutExamples).isEmpty();
    }

    @Test
    void rootHelpListsExitCodes() {
        InProcess.Result help = InProcess.run(Map.of(), Path.of("."), "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Exit codes:").contains("  4   not logged in");
    }

    @Test
    void completionScriptCoversTheCommands() {
        InProcess.Result completion = InProcess.run(Map.of(), Path.of("."), "completion");

        assertThat(completion.exitCode()).isZero();
        assertThat(completion.out()).contains("complete -F _complete_nais").contains("print-access-token").contains("proxy");
    }

    private static void walk(CommandLine command, List<String> withoutExamples) {
        if (!command.getCommandName().equals("help")) {
            List<String> args = new ArrayList<>(List.of(command.getCommandSpec().qualifiedName().split(" ")));
            args.remove(0);
            args.add("--help");
            InProcess.Result help = InProcess.run(Map.of(), Path.of("."), args.toArray(String[]::new));
            if (help.exitCode() != 0 || !help.out().contains("Examples:") || !help.out().contains("nais ")) {
                withoutExamples.add(command.getCommandSpec().qualifiedName());
            }
        }
        command.getSubcommands().values().forEach(sub -> walk(sub, withoutExamples));
    }
}
