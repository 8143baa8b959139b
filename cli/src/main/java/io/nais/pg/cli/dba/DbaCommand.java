package io.nais.pg.cli.dba;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import io.nais.pg.cli.PostgresCommand;
import io.nais.pg.cli.api.ApiClient;
import io.nais.pg.cli.config.ConfigKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nais postgres dba …}: time-limited superuser access that the owning team approves. */
@Command(name = "dba", description = "Request, approve, deny, list and revoke time-limited DBA (superuser) access.",
        footerHeading = "%nExamples:%n",
        footer = {"  nais postgres dba request demo-app --reason 'rebuild the orders index' --duration 2h",
                "  nais postgres dba approve 3f2c…", "  nais postgres dba list --state requested"},
        subcommands = {DbaCommand.Request.class, DbaCommand.Approve.class, DbaCommand.Deny.class,
                DbaCommand.ListGrants.class, DbaCommand.Revoke.class})
public final class DbaCommand {

    @ParentCommand
    PostgresCommand postgres;

    DbaClient client() {
        return new DbaClient(ApiClient.configured(postgres.nais(), ConfigKey.DBA_URL, "dba-grant-service"));
    }

    String team(String team) {
        return postgres.team(team);
    }

    static void print(PrintWriter out, JsonNode grant) {
        out.printf("%s  %-9s %s  requester=%s  %s%s%n", text(grant, "id"), text(grant, "state"),
                text(grant, "clusterId"), text(grant, "requester"), text(grant, "duration"),
                grant.hasNonNull("expiresAt") ? "  expires " + text(grant, "expiresAt") : "");
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : "-";
    }

    @Command(name = "request", description = "Ask the owning team for superuser access to an app's database.",
            footerHeading = "%nExamples:%n",
            footer = {"  nais postgres dba request demo-app --reason 'rebuild the orders index' --duration 2h",
                    "  nais postgres dba request demo-app --team team-a --reason 'vacuum full after the purge' --duration 30m"})
    static final class Request implements Callable<Integer> {
        @ParentCommand DbaCommand dba;
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "APP", description = "The application whose database you need.") String app;
        @Option(names = {"-t", "--team"}, description = "Team that owns the app (default: config `team`).") String team;
        @Option(names = "--reason", required = true, description = "Why (at least 10 characters); the team sees it.") String reason;
        @Option(names = "--duration", required = true, description = "How long, e.g. 30m, 2h (at most the service's maximum).") String duration;

        @Override
        public Integer call() {
            JsonNode grant = dba.client().request(dba.team(team) + "/" + app, reason, duration);
            PrintWriter out = spec.commandLine().getOut();
            print(out, grant);
            out.println("Ask a member of the team to run: nais postgres dba approve " + grant.get("id").asText());
            return 0;
        }
    }

    @Command(name = "approve", description = "Approve a pending request (a member of the owning team, not the requester).",
            footerHeading = "%nExamples:%n", footer = {"  nais postgres dba approve 3f2c9a1e-…"})
    static final class Approve implements Callable<Integer> {
        @ParentCommand DbaCommand dba;
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ID", description = "The grant id.") String id;

        @Override
        public Integer call() {
            print(spec.commandLine().getOut(), dba.client().decide(id, "approve", null));
            return 0;
        }
    }

    @Command(name = "deny", description = "Deny a pending request with a reason.",
            footerHeading = "%nExamples:%n", footer = {"  nais postgres dba deny 3f2c9a1e-… --reason 'not during the freeze'"})
    static final class Deny implements Callable<Integer> {
        @ParentCommand DbaCommand dba;
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ID", description = "The grant id.") String id;
        @Option(names = "--reason", required = true, description = "Why; the requester sees it.") String reason;

        @Override
        public Integer call() {
            print(spec.commandLine().getOut(), dba.client().decide(id, "deny", reason));
            return 0;
        }
    }

    @Command(name = "revoke", description = "End an active grant now (the requester or a member of the owning team).",
            footerHeading = "%nExamples:%n", footer = {"  nais postgres dba revoke 3f2c9a1e-…"})
    static final class Revoke implements Callable<Integer> {
        @ParentCommand DbaCommand dba;
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ID", description = "The grant id.") String id;
        @Option(names = "--reason", description = "Why (optional).") String reason;

        @Override
        public Integer call() {
            print(spec.commandLine().getOut(), dba.client().decide(id, "revoke", reason));
            return 0;
        }
    }

    @Command(name = "list", description = "List grants, newest first.",
            footerHeading = "%nExamples:%n", footer = {"  nais postgres dba list", "  nais postgres dba list --app demo-app --state granted"})
    static final class ListGrants implements Callable<Integer> {
        @ParentCommand DbaCommand dba;
        @Spec CommandSpec spec;
        @Option(names = "--app", description = "Only this app's cluster (with --team or config `team`).") String app;
        @Option(names = {"-t", "--team"}, description = "Team that owns --app.") String team;
        @Option(names = "--state", description = "requested, granted, denied, expired or revoked.") String state;

        @Override
        public Integer call() {
            String clusterId = app == null ? null : dba.team(team) + "/" + app;
            PrintWriter out = spec.commandLine().getOut();
            for (JsonNode grant : dba.client().list(clusterId, state)) {
                print(out, grant);
            }
            return 0;
        }
    }
}
