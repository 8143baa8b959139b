package io.nais.pg.cli.migrate;

import io.nais.pg.cli.PostgresCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code nais postgres migrate}: moves an app's database from Cloud SQL (any
 * PostgreSQL) into its platform cluster and verifies it. The work is in the
 * {@code migration} module, run by backup-service ({@link ServiceMigration}) or,
 * with {@code --local}, in this process ({@link MigrationRun}); this class only
 * holds the options. Its fields are plain strings, so {@code --help} loads none
 * of the migration classes.
 */
@Command(name = "migrate", description = {"Move an app's database from Cloud SQL into its platform cluster, verified.",
        "The platform runs it next to the clusters (backup-service); this command sends the source URL once, over",
        "TLS, and follows the progress. --local runs it in this process instead (operators; replicate mode).",
        "The source URL comes from the argument, env:VAR or file:PATH and is never printed with its password."},
        footerHeading = "%nExamples:%n",
        footer = {"  nais postgres migrate demo-app --from env:CLOUDSQL_URL --dry-run",
                "  nais postgres migrate demo-app --from file:/secure/source.url",
                "  # operators, in-process, with the target's admin URL:",
                "  nais postgres migrate demo-app --local --from env:CLOUDSQL_URL --to env:TARGET_URL",
                "  # replicate (--local): copy and keep up; then, with writes stopped, finish:",
                "  nais postgres migrate demo-app --local --from env:CLOUDSQL_URL --mode replicate",
                "  nais postgres migrate demo-app --local --from env:CLOUDSQL_URL --mode replicate --cutover",
                "Exit codes: 0 done and verified, 10 unreachable or login refused, 11 blocked by the plan,",
                "  12 copy failed (safe to re-run), 13 verification failed."})
public final class MigrateCommand implements Callable<Integer> {

    @ParentCommand PostgresCommand postgres;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "APP", description = "The application whose platform cluster receives the data.")
    String app;
    @Option(names = {"-t", "--team"}, description = "Team that owns the app (default: config `team`).")
    String team;
    @Option(names = "--from", required = true, paramLabel = "URL|env:VAR|file:PATH",
            description = "The source: postgresql://user:password@host:port/database, or where to read it.")
    String from;
    @Option(names = "--local", description = "Run the migration in this process (operators): needs the target's admin URL and pg_dump/pg_restore here.")
    boolean local;
    @Option(names = "--to", paramLabel = "URL|env:VAR|file:PATH",
            description = "With --local: admin URL of the target database (default: env CLUSTER_<TEAM>_<APP>_ADMIN_URL, as the local platform writes).")
    String to;
    @Option(names = "--mode", defaultValue = "dump", paramLabel = "dump|replicate",
            description = "dump: one streamed pg_dump | pg_restore. replicate (--local only): logical replication, then --cutover. Default: ${DEFAULT-VALUE}.")
    String mode;
    @Option(names = "--dry-run", description = "Print the plan (versions, extensions, sizes, keys, estimate) and stop.")
    boolean dryRun;
    @Option(names = "--cutover", description = "Replicate mode, writes stopped: wait for zero lag, copy sequences, end replication, verify.")
    boolean cutover;
    @Option(names = "--force", description = "Migrate into a target that is not empty, replacing objects of the same name.")
    boolean force;
    @Option(names = "--app-role", paramLabel = "ROLE", description = "Role that owns the restored objects (default: the target database's owner).")
    String applicationRole;
    @Option(names = "--timeout", defaultValue = "30m", paramLabel = "DURATION",
            description = "How long replicate mode waits to catch up (e.g. 90s, 30m, 2h). Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Override
    public Integer call() {
        return local ? new MigrationRun(this).call() : new ServiceMigration(this).call();
    }
}
