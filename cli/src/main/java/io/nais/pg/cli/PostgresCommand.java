package io.nais.pg.cli;

import io.nais.pg.cli.dba.DbaCommand;
import io.nais.pg.cli.proxy.ProxyCommand;
import io.nais.pg.cli.psql.PsqlCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code nais postgres …}: reach a team's database as yourself. */
@Command(name = "postgres", description = "Reach your team's PostgreSQL databases as yourself, with no password.",
        footerHeading = "%nExamples:%n",
        footer = {"  nais postgres psql demo-app", "  nais postgres proxy demo-app --port 5433"},
        subcommands = {ProxyCommand.class, PsqlCommand.class, DbaCommand.class})
public final class PostgresCommand {

    @ParentCommand
    Nais nais;

    public Nais nais() {
        return nais;
    }
}
