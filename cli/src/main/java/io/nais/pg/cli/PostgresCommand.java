package io.nais.pg.cli;

import io.nais.pg.cli.audit.AuditCommand;
import io.nais.pg.cli.backups.BackupsCommand;
import io.nais.pg.cli.config.ConfigKey;
import io.nais.pg.cli.dba.DbaCommand;
import io.nais.pg.cli.migrate.MigrateCommand;
import io.nais.pg.cli.proxy.ProxyCommand;
import io.nais.pg.cli.psql.PsqlCommand;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code nais postgres …}: reach a team's database as yourself. */
@Command(name = PostgresCommand.NAME, description = "Reach your team's PostgreSQL databases as yourself, with no password.",
        footerHeading = "%nExamples:%n",
        footer = {"  nais postgres psql demo-app", "  nais postgres proxy demo-app --port 5433"},
        subcommands = {ProxyCommand.class, PsqlCommand.class, DbaCommand.class, BackupsCommand.class, AuditCommand.class,
                MigrateCommand.class})
public final class PostgresCommand {

    static final String NAME = "postgres";

    /** The subcommands that open connections: the ones a developer waits for, parsed without the rest ({@link Nais#run}). */
    private static final List<Class<?>> CONNECTING = List.of(PsqlCommand.class, ProxyCommand.class);

    @ParentCommand
    Nais nais;

    public Nais nais() {
        return nais;
    }

    /** The connecting subcommand called {@code name}, if it is one. */
    static Optional<Class<?>> connectingCommand(String name) {
        return CONNECTING.stream().filter(command -> command.getAnnotation(Command.class).name().equals(name)).findFirst();
    }

    /** {@code --team} if given, else config {@code team}; neither is a configuration error. */
    public String team(String flag) {
        if (flag != null) {
            return flag;
        }
        return nais.config().get(ConfigKey.TEAM).orElseThrow(() -> new CliException(ExitCode.CONFIG,
                "no team: pass --team or set `" + ConfigKey.TEAM.key() + "`"));
    }
}
