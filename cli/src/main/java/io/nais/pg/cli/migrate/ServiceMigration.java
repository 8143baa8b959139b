package io.nais.pg.cli.migrate;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.ExitCode;
import io.nais.pg.cli.api.ApiClient;
import io.nais.pg.migration.MigrationException;
import io.nais.pg.migration.connect.CredentialSource;
import io.nais.pg.migration.connect.Endpoint;
import io.nais.pg.migration.plan.Bytes;

/**
 * {@link MigrateCommand} without {@code --local}: asks backup-service to run
 * the migration next to the clusters and follows it. The source URL is read
 * here (argument, {@code env:} or {@code file:}), checked, and sent once in
 * the body of {@code POST /api/migrations/{team}/{app}}, over the API's TLS
 * with the person's token; then {@code GET /api/migrations/{id}} every second
 * until it ends, progress to stderr, the plan and the report to stdout, and
 * the exit code of the in-process run for the same failure.
 */
final class ServiceMigration {

    private static final Duration POLL = Duration.ofSeconds(1);

    private final MigrateCommand command;

    ServiceMigration(MigrateCommand command) {
        this.command = command;
    }

    int call() {
        refuseLocalOnlyOptions();
        String team = command.postgres.team(command.team);
        String source = sourceUrl();
        ApiClient api = ApiClient.backupVerifier(command.postgres.nais());
        JsonNode started = api.post("api/migrations/" + ApiClient.encode(team) + "/" + ApiClient.encode(command.app),
                order(source));
        String id = started.path("migrationId").asText();
        PrintWriter out = command.spec.commandLine().getOut();
        PrintWriter err = command.spec.commandLine().getErr();
        err.println("migration " + id + " of " + started.path("clusterId").asText() + " started in backup-service");
        err.flush();
        JsonNode status = follow(api, () -> ApiClient.backupVerifier(command.postgres.nais()), "api/migrations/" + id, err);
        return finish(status, out);
    }

    private void refuseLocalOnlyOptions() {
        if (command.to != null) {
            throw new CliException(ExitCode.USAGE, "--to is for --local: the platform migrates into the app's cluster itself");
        }
        if (!"dump".equals(command.mode.toLowerCase(Locale.ROOT)) || command.cutover) {
            throw new CliException(ExitCode.USAGE, "--mode replicate and --cutover run in-process only: add --local");
        }
    }

    /** The URL, password included, checked here so that a typo fails before anything is sent. */
    private String sourceUrl() {
        Function<String, String> environment = name -> command.postgres.nais().environment().get(name).orElse(null);
        try {
            String url = CredentialSource.read(command.from, environment);
            Endpoint.parse(url);
            return url;
        } catch (MigrationException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
    }

    private Map<String, Object> order(String source) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("source", source);
        order.put("dryRun", command.dryRun);
        order.put("force", command.force);
        if (command.applicationRole != null) {
            order.put("applicationRole", command.applicationRole);
        }
        return order;
    }

    /** Polls until the migration ends, printing a progress line whenever it moved. */
    private static JsonNode follow(ApiClient first, Supplier<ApiClient> renewed, String path, PrintWriter err) {
        ApiClient api = first;
        String last = null;
        while (true) {
            JsonNode status;
            try {
                status = api.get(path);
            } catch (CliException e) {
                if (e.exitCode() != ExitCode.NOT_LOGGED_IN) {
                    throw e;
                }
                // the token expired during a long migration: a client with the renewed one, once per expiry
                api = renewed.get();
                status = api.get(path);
            }
            if (!"RUNNING".equals(status.path("state").asText())) {
                return status;
            }
            String line = progress(status);
            if (!line.equals(last)) {
                err.println(line);
                err.flush();
                last = line;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCode.INTERRUPTED, "interrupted; the migration goes on in backup-service: "
                        + "follow it with GET /" + path);
            }
        }
    }

    /** {@code copy: 12.0 MB of ~40.0 MB, 4 tables, ETA 9.0 s}. */
    static String progress(JsonNode status) {
        String stage = status.path("stage").asText();
        StringBuilder line = new StringBuilder(stage).append(": ");
        line.append(Bytes.human(status.path("bytesCopied").asLong()))
                .append(" of ~").append(Bytes.human(status.path("bytesExpected").asLong()))
                .append(", ").append(status.path("tables").asInt()).append(" tables");
        if (status.hasNonNull("etaSeconds")) {
            line.append(", ETA ").append(Bytes.duration(Duration.ofSeconds(status.path("etaSeconds").asLong())));
        }
        return line.toString();
    }

    private int finish(JsonNode status, PrintWriter out) {
        out.print(status.path("output").asText());
        String id = status.path("migrationId").asText();
        if ("COMPLETED".equals(status.path("state").asText())) {
            out.println(command.dryRun ? "dry run: no blockers; nothing was changed"
                    : "migration " + id + " of " + status.path("clusterId").asText() + " completed in backup-service");
            out.flush();
            return ExitCode.OK.status();
        }
        out.flush();
        MigrationException.Failure failure = MigrationException.Failure.valueOf(status.path("failure").asText());
        throw new CliException(MigrationRun.exitCode(failure), "migration " + id + " failed: " + status.path("detail").asText());
    }
}
