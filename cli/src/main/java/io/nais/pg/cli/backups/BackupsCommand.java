package io.nais.pg.cli.backups;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import io.nais.pg.cli.PostgresCommand;
import io.nais.pg.cli.api.ApiClient;
import io.nais.pg.cli.config.ConfigKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nais postgres backups …}: off-site backups of an app's database, on demand. */
@Command(name = "backups", description = "List, take, verify and restore off-site backups of an app's database.",
        footerHeading = "%nExamples:%n",
        footer = {"  nais postgres backups create demo-app", "  nais postgres backups list demo-app --json",
                "  nais postgres backups verify demo-app",
                "  nais postgres backups restore demo-app --backup 3f2c… --to demo_app_restored"},
        subcommands = {BackupsCommand.ListBackups.class, BackupsCommand.Create.class, BackupsCommand.Verify.class,
                BackupsCommand.Restore.class})
public final class BackupsCommand {

    @ParentCommand
    PostgresCommand postgres;

    /** {@code api/backups/<team>/<app>} with the team from --team or config. */
    String path(String team, String app) {
        return "api/backups/" + ApiClient.encode(postgres.team(team)) + "/" + ApiClient.encode(app);
    }

    ApiClient client() {
        return ApiClient.configured(postgres.nais(), ConfigKey.BACKUP_URL, "backup-service");
    }

    /** Verify and restore decrypt a backup: the half of backup-service that holds the age identity. */
    ApiClient decryptingClient() {
        return ApiClient.backupVerifier(postgres.nais());
    }

    /** The options every backups subcommand shares. */
    static final class Target {
        @Parameters(index = "0", paramLabel = "APP", description = "The application whose database is backed up.") String app;
        @Option(names = {"-t", "--team"}, description = "Team that owns the app (default: config `team`).") String team;
        @Option(names = "--json", description = "Print the service's JSON instead of a table.") boolean json;
    }

    @Command(name = "list", description = "Backups of the app's database, newest first, with their verification.",
            footerHeading = "%nExamples:%n", footer = {"  nais postgres backups list demo-app", "  nais postgres backups list demo-app --json"})
    static final class ListBackups implements Callable<Integer> {
        @ParentCommand BackupsCommand backups;
        @Spec CommandSpec spec;
        @Mixin Target target;

        @Override
        public Integer call() {
            JsonNode listed = backups.client().get(backups.path(target.team, target.app));
            PrintWriter out = spec.commandLine().getOut();
            if (target.json) {
                out.println(ApiClient.pretty(listed));
                return 0;
            }
            BackupTable.print(out, listed);
            return 0;
        }
    }

    @Command(name = "create", description = "Take a backup now; it runs in the service (follow it with `backups list`).",
            footerHeading = "%nExamples:%n", footer = {"  nais postgres backups create demo-app --team team-a"})
    static final class Create implements Callable<Integer> {
        @ParentCommand BackupsCommand backups;
        @Spec CommandSpec spec;
        @Mixin Target target;

        @Override
        public Integer call() {
            JsonNode requested = backups.client().post(backups.path(target.team, target.app), Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (target.json) {
                out.println(ApiClient.pretty(requested));
            } else {
                out.println("backup " + requested.path("backupId").asText() + " of " + requested.path("clusterId").asText()
                        + " started; follow it with: nais postgres backups list " + target.app);
            }
            return 0;
        }
    }

    @Command(name = "verify", description = "Restore the newest completed backup into a scratch database and compare its rows.",
            footerHeading = "%nExamples:%n", footer = {"  nais postgres backups verify demo-app"})
    static final class Verify implements Callable<Integer> {
        @ParentCommand BackupsCommand backups;
        @Spec CommandSpec spec;
        @Mixin Target target;

        @Override
        public Integer call() {
            JsonNode verdict = backups.decryptingClient().post(backups.path(target.team, target.app) + "/verify", Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (target.json) {
                out.println(ApiClient.pretty(verdict));
            } else {
                BackupTable.printVerdict(out, verdict);
            }
            // a failed verification is the answer, but scripts must see it
            return verdict.path("ok").asBoolean() ? 0 : 1;
        }
    }

    @Command(name = "restore", description = {"Restore a backup into a new database (never overwrites one that exists).",
            "With --table, only those tables (structure, rows, their sequences, indexes and constraints); foreign keys"
                    + " to tables left out are reported, not created."},
            footerHeading = "%nExamples:%n",
            footer = {"  nais postgres backups restore demo-app --backup 3f2c9a1e-… --to demo_app_restored",
                    "  nais postgres backups restore demo-app --backup 3f2c9a1e-… --table public.orders"
                            + " --table billing.invoices --to orders_back"})
    static final class Restore implements Callable<Integer> {
        @ParentCommand BackupsCommand backups;
        @Spec CommandSpec spec;
        @Mixin Target target;
        @Option(names = "--backup", required = true, paramLabel = "ID", description = "The backup id (from `backups list`).") String backupId;
        @Option(names = "--to", required = true, paramLabel = "DATABASE", description = "Name of the new database on the app's cluster.") String database;
        @Option(names = "--table", paramLabel = "SCHEMA.TABLE",
                description = "Restore only this table (repeat for more); an unknown name lists the tables the backup holds.")
        List<String> tables = new ArrayList<>();

        @Override
        public Integer call() {
            JsonNode restored = backups.decryptingClient().post(backups.path(target.team, target.app) + "/restore",
                    Map.of("backupId", backupId, "targetDatabase", database, "tables", tables));
            PrintWriter out = spec.commandLine().getOut();
            if (target.json) {
                out.println(ApiClient.pretty(restored));
            } else {
                BackupTable.printRestore(out, restored);
            }
            // rows that differ from the manifest are the answer too, but scripts must see them
            return restored.path("matchesManifest").asBoolean(true) ? 0 : 1;
        }
    }
}
