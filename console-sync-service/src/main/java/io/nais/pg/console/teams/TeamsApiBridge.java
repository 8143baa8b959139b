package io.nais.pg.console.teams;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.kit.logging.LogContext;
import io.nais.pg.kit.outbox.Outbox;
import io.quarkus.scheduler.Scheduled;

/**
 * Mirrors team membership from a Zalando-compatible Teams API
 * ({@code GET /teams/{team}} → {@code {"member": [emails]}}) into
 * TeamMemberAdded/Removed events, for platforms whose directory publishes no
 * membership events. Per team and poll: fetch → diff against
 * {@code teams_api_member} (what was last emitted) → guard → record and emit
 * through the outbox in one transaction. A failed fetch skips the team.
 */
@ApplicationScoped
public class TeamsApiBridge {

    private static final Logger LOG = Logger.getLogger(TeamsApiBridge.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TeamsConfig config;
    private final DataSource dataSource;
    private final Outbox outbox;
    private final String producer;
    private final HttpClient http = HttpClient.newBuilder().build();

    TeamsApiBridge(TeamsConfig config, DataSource dataSource, Outbox outbox,
                   @ConfigProperty(name = "quarkus.application.name") String producer) {
        this.config = config;
        this.dataSource = dataSource;
        this.outbox = outbox;
        this.producer = producer;
    }

    @Scheduled(every = "${nais.console.teams.poll-interval:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledPoll() {
        if (config.url().isPresent()) {
            config.teams().orElse(List.of()).forEach(this::pollTeam);
        }
    }

    /** One round for one team; returns what was emitted (empty when nothing changed, failed or was refused). */
    @Transactional
    public MembershipDiff pollTeam(String team) {
        try (var log = LogContext.open().team(team)) {
            Optional<Set<String>> fetched = fetch(team);
            if (fetched.isEmpty()) {
                return new MembershipDiff(Set.of(), Set.of(), false);
            }
            lockTeam(team);
            MembershipDiff diff = MembershipDiff.between(known(team), fetched.get(), config.maxRemovedFraction());
            if (diff.refused()) {
                LOG.warnf("Teams API answer for %s would remove too many members; refused, nothing emitted", team);
                return diff;
            }
            diff.added().forEach(email -> record(team, email, true));
            diff.removed().forEach(email -> record(team, email, false));
            return diff;
        }
    }

    private Optional<Set<String>> fetch(String team) {
        URI uri = config.url().orElseThrow().resolve("teams/" + URLEncoder.encode(team, StandardCharsets.UTF_8));
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(config.requestTimeout())
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                LOG.warnf("Teams API answered %d for %s; skipping this round", response.statusCode(), team);
                return Optional.empty();
            }
            JsonNode members = JSON.readTree(response.body()).get("member");
            if (members == null || !members.isArray()) {
                LOG.warnf("Teams API answer for %s has no member list; skipping this round", team);
                return Optional.empty();
            }
            Set<String> emails = new HashSet<>();
            members.forEach(member -> emails.add(member.asText()));
            return Optional.of(emails);
        } catch (IOException e) {
            LOG.warnf("Teams API unreachable for %s (%s); skipping this round", team, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private void lockTeam(String team) {
        execute("SELECT pg_advisory_xact_lock(hashtext(?))", "nais.console.teams:" + team);
    }

    private Set<String> known(String team) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT email FROM teams_api_member WHERE team = ?")) {
            select.setString(1, team);
            Set<String> known = new HashSet<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    known.add(rows.getString(1));
                }
            }
            return known;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read mirrored members of " + team, e);
        }
    }

    private void record(String team, String email, boolean member) {
        if (member) {
            execute("INSERT INTO teams_api_member (team, email) VALUES (?, ?) ON CONFLICT DO NOTHING", team, email);
            outbox.publish(Envelope.of(producer, new TeamMemberAdded(team, email)));
        } else {
            execute("DELETE FROM teams_api_member WHERE team = ? AND email = ?", team, email);
            outbox.publish(Envelope.of(producer, new TeamMemberRemoved(team, email)));
        }
    }

    private void execute(String sql, String... args) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setString(i + 1, args[i]);
            }
            statement.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("teams mirror update failed (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }
}
