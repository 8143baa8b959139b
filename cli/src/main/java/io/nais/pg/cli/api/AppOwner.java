package io.nais.pg.cli.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.ExitCode;
import io.nais.pg.cli.Nais;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.config.ConfigKey;

/**
 * Which team owns {@code <app>}: {@code --team} first, then config {@code team}
 * (both work offline), else the console API's {@code GET /api/me/postgres},
 * the clusters the person may reach (their teams' and those they hold an
 * active DBA grant for). An app name found in one team is that team's; found
 * in several, the person must pick one with {@code --team}.
 */
public final class AppOwner {

    private AppOwner() {
    }

    /** The owning team's name; a {@link CliException} that says what to do when it cannot be told. */
    public static String teamOf(Nais nais, CliConfig config, String app, String teamFlag) {
        if (teamFlag != null && !teamFlag.isBlank()) {
            return teamFlag.strip();
        }
        return config.get(ConfigKey.TEAM).orElseGet(() -> lookUp(nais, config, app));
    }

    private static String lookUp(Nais nais, CliConfig config, String app) {
        if (config.get(ConfigKey.API_URL).isEmpty()) {
            throw new CliException(ExitCode.CONFIG, "Which team owns " + app + "? Pass --team <team>, set team= in "
                    + config.directory().resolve(CliConfig.FILE_NAME) + " (or NAIS_TEAM), or set `"
                    + ConfigKey.API_URL.key() + "` so it can be looked up.");
        }
        JsonNode reachable = ApiClient.configured(nais, ConfigKey.API_URL, "console-sync-service").get("api/me/postgres");
        List<String> teams = new ArrayList<>();
        for (JsonNode cluster : reachable) {
            if (app.equals(cluster.path("app").asText()) && !teams.contains(cluster.path("team").asText())) {
                teams.add(cluster.path("team").asText());
            }
        }
        if (teams.isEmpty()) {
            throw new CliException(ExitCode.UNKNOWN_TARGET, "None of the databases you may reach is called " + app
                    + " (not in your teams, and no active DBA grant). Pass --team <team> if it is another team's.");
        }
        if (teams.size() > 1) {
            throw new CliException(ExitCode.USAGE, app + " exists in more than one of your teams: "
                    + String.join(", ", teams) + ". Pass --team " + teams.get(0) + " (or another of them).");
        }
        return teams.get(0);
    }
}
