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
import io.nais.pg.cli.api.AppOwner;
import io.nais.pg.cli.config.ConfigKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code nais postgres audit <app>}: who reached the app's database and what
 * they ran, who was refused, DBA grants and backups, newest first, from
 * console-sync-service's audit API. The API filters by cluster, person and
 * time; the CLI follows its cursor page by page until {@code --limit} lines.
 */
@Command(name = "audit", description = "Sessions, statements, refused logins, DBA grants and backups of an app's database, newest first.",
        footerHeading = "%nExamples:%n",
        footer = {"  nais postgres audit demo-app", "  nais postgres audit demo-app --person alice@example.com --since 1h",
                "  nais postgres audit demo-app --since 7d --limit 50 --json"})
public final class AuditCommand implements Callable<Integer> {

    private static final Pattern SINCE = Pattern.compile("(\\d+)([smhd])");
    private static final String ROW = "%-24s  %-20s  %-36s  %s%n";

    @ParentCommand PostgresCommand postgres;
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "APP", description = "The application whose database's audit trail to show.") String app;
    @Option(names = {"-t", "--team"}, description = "Team that owns the app (default: config `team`, else looked up in the console API).") String team;
    @Option(names = "--person", paramLabel = "EMAIL", description = "Only this person's lines.") String person;
    @Option(names = "--since", paramLabel = "DURATION", description = "Only lines newer than this, e.g. 30m, 1h, 7d.") String since;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000", description = "At most this many lines, newest first (default: ${DEFAULT-VALUE}).") int limit;
    @Option(names = "--json", description = "Print the lines as a JSON array instead of a table.") boolean json;
    /** Hidden: lines per request; tests set it small to prove every page is read. */
    @Option(names = "--page-size", hidden = true, defaultValue = "200") int pageSize;

    @Override
    public Integer call() {
        requirePositive();
        String owner = AppOwner.teamOf(postgres.nais(), postgres.nais().config(), app, team);
        Instant from = since == null ? null : Instant.now(Clock.systemUTC()).minus(parseSince(since));
        List<JsonNode> lines = readUpToLimit(ApiClient.configured(postgres.nais(), ConfigKey.API_URL,
                "console-sync-service"), owner + "/" + app, from);
        print(spec.commandLine().getOut(), owner + "/" + app, lines);
        return 0;
    }

    private void requirePositive() {
        if (limit < 1 || pageSize < 1) {
            throw new CliException(ExitCode.USAGE, "--limit must be at least 1");
        }
    }

    /**
     * Follows nextCursor page by page until the last page or {@code --limit}
     * lines; an empty page ends it too, so a misbehaving server cannot keep
     * the CLI looping.
     */
    private List<JsonNode> readUpToLimit(ApiClient api, String clusterId, Instant from) {
        List<JsonNode> lines = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode answer = api.get(query(clusterId, from, cursor, Math.min(pageSize, limit - lines.size())));
            JsonNode items = answer.path("items");
            items.forEach(lines::add);
            cursor = items.isEmpty() ? null : answer.path("nextCursor").asText(null);
        } while (cursor != null && lines.size() < limit);
        return lines;
    }

    private String query(String clusterId, Instant from, String cursor, int size) {
        StringBuilder query = new StringBuilder("api/audit?cluster=").append(ApiClient.encode(clusterId));
        if (person != null) {
            query.append("&person=").append(ApiClient.encode(person));
        }
        if (from != null) {
            query.append("&from=").append(ApiClient.encode(from.toString()));
        }
        if (cursor != null) {
            query.append("&cursor=").append(ApiClient.encode(cursor));
        }
        return query.append("&size=").append(size).toString();
    }

    private void print(PrintWriter out, String clusterId, List<JsonNode> lines) {
        if (json) {
            ArrayNode array = ApiClient.json().createArrayNode();
            lines.forEach(array::add);
            out.println(ApiClient.pretty(array));
            return;
        }
        if (lines.isEmpty()) {
            out.println("no audit lines for " + clusterId);
            return;
        }
        out.printf(ROW, "TIME", "KIND", "PERSON", "DETAIL");
        for (JsonNode line : lines) {
            out.printf(ROW, text(line, "time"), text(line, "kind"), text(line, "person"), detail(line));
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

    /** A statement line shows the statement itself; the others their detail. */
    private static String detail(JsonNode line) {
        return line.hasNonNull("statement") ? line.get("statement").asText() + "  (" + text(line, "detail") + ")"
                : text(line, "detail");
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : "-";
    }
}
