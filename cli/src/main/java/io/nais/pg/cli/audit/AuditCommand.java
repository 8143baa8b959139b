package io.nais.pg.cli.audit;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.ExitCode;
import io.nais.pg.cli.PostgresCommand;
import io.nais.pg.cli.api.ApiClient;
import io.nais.pg.cli.config.ConfigKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code nais postgres audit <app>}: who reached the app's database, who was
 * refused, and DBA grants, newest first, from console-sync-service's audit
 * API. The API filters by team, person and time; the app is picked out here
 * by its cluster id, so every page is read.
 */
@Command(name = "audit", description = "Sessions, refused logins and DBA grants of an app's database, newest first.",
        footerHeading = "%nExamples:%n",
        footer = {"  nais postgres audit demo-app", "  nais postgres audit demo-app --person alice@example.com --since 1h",
                "  nais postgres audit demo-app --since 7d --json"})
public final class AuditCommand implements Callable<Integer> {

    private static final Pattern SINCE = Pattern.compile("(\\d+)([smhd])");
    /** A bound on pages read, so a misbehaving server cannot keep the CLI looping. */
    private static final int MAX_PAGES = 1000;
    private static final String ROW = "%-24s  %-20s  %-36s  %s%n";

    @ParentCommand PostgresCommand postgres;
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "APP", description = "The application whose database's audit trail to show.") String app;
    @Option(names = {"-t", "--team"}, description = "Team that owns the app (default: config `team`).") String team;
    @Option(names = "--person", paramLabel = "EMAIL", description = "Only this person's lines.") String person;
    @Option(names = "--since", paramLabel = "DURATION", description = "Only lines newer than this, e.g. 30m, 1h, 7d.") String since;
    @Option(names = "--json", description = "Print the lines as a JSON array instead of a table.") boolean json;
    /** Hidden: lines per request; tests set it small to prove every page is read. */
    @Option(names = "--page-size", hidden = true, defaultValue = "200") int pageSize;

    @Override
    public Integer call() {
        String owner = postgres.team(team);
        String clusterId = owner + "/" + app;
        Instant from = since == null ? null : Instant.now(Clock.systemUTC()).minus(parseSince(since));
        List<JsonNode> lines = readAll(ApiClient.configured(postgres.nais(), ConfigKey.API_URL, "console-sync-service"),
                owner, from, clusterId);
        print(spec.commandLine().getOut(), lines);
        return 0;
    }

    private List<JsonNode> readAll(ApiClient api, String owner, Instant from, String clusterId) {
        List<JsonNode> lines = new ArrayList<>();
        for (int page = 0; page < MAX_PAGES; page++) {
            JsonNode answer = api.get(query(owner, from, page));
            JsonNode items = answer.path("items");
            for (JsonNode line : items) {
                if (clusterId.equals(line.path("clusterId").asText(null))) {
                    lines.add(line);
                }
            }
            long read = (long) page * pageSize + items.size();
            if (items.isEmpty() || read >= answer.path("total").asLong()) {
                break;
            }
        }
        return lines;
    }

    private String query(String owner, Instant from, int page) {
        StringBuilder query = new StringBuilder("api/audit?team=").append(ApiClient.encode(owner));
        if (person != null) {
            query.append("&person=").append(ApiClient.encode(person));
        }
        if (from != null) {
            query.append("&from=").append(ApiClient.encode(from.toString()));
        }
        return query.append("&page=").append(page).append("&size=").append(pageSize).toString();
    }

    private void print(PrintWriter out, List<JsonNode> lines) {
        if (json) {
            ArrayNode array = ApiClient.json().createArrayNode();
            lines.forEach(array::add);
            out.println(ApiClient.pretty(array));
            return;
        }
        if (lines.isEmpty()) {
            out.println("no audit lines for " + postgres.team(team) + "/" + app);
            return;
        }
        out.printf(ROW, "TIME", "KIND", "PERSON", "DETAIL");
        for (JsonNode line : lines) {
            out.printf(ROW, text(line, "time"), text(line, "kind"), text(line, "person"), text(line, "detail"));
        }
    }

    static Duration parseSince(String value) {
        Matcher m = SINCE.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CliException(ExitCode.USAGE, "--since must be a number and a unit (s, m, h, d), e.g. 30m or 7d");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : "-";
    }
}
