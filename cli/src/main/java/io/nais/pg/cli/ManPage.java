package io.nais.pg.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * Writes nais(1) on stdout, made from the commands' own {@code --help} (so the page
 * cannot drift from the code): the installable archive's build runs it into
 * share/man/man1/nais.1.
 */
public final class ManPage {

    private ManPage() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        CommandLine root = Nais.commandLine(Environment.ofProcess());
        out.println(".TH NAIS 1 \"\" \"" + new Nais.Version().getVersion()[0] + "\" \"User Commands\"");
        out.println(".SH NAME");
        out.println("nais \\- " + roff(String.join(" ", root.getCommandSpec().usageMessage().description())));
        section(out, root);
        out.flush();
    }

    /** One section per command, its usage text verbatim; then its subcommands (not the help command). */
    private static void section(PrintWriter out, CommandLine command) {
        out.println(".SH \"" + command.getCommandSpec().qualifiedName().toUpperCase() + "\"");
        out.println(".nf");
        command.getUsageMessage(CommandLine.Help.Ansi.OFF).lines().forEach(line -> out.println(roff(line)));
        out.println(".fi");
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            boolean alias = !sub.getKey().equals(sub.getValue().getCommandName());
            if (!alias && !(sub.getValue().getCommand() instanceof CommandLine.HelpCommand)) {
                section(out, sub.getValue());
            }
        }
    }

    /** Text as roff shows it: backslashes escaped, and no line read as a request. */
    private static String roff(String line) {
        String escaped = line.replace("\\", "\\e").replace("-", "\\-");
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }
}
