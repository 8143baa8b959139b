package io.nais.pg.console.teams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.nais.pg.events.EventTopic;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The bridge against a real HTTP server (the JDK's) serving the Teams API:
 * {@code GET /teams/{team}} answers the file {@code target/teams-api/<team>}
 * as JSON, or with the HTTP status written in {@code <team>.status}.
 */
@QuarkusTest
@TestProfile(TeamsApiBridgeTest.WithTeamsApi.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class TeamsApiBridgeTest {

    static final Path ANSWERS = Path.of("target/teams-api").toAbsolutePath();

    public static class WithTeamsApi implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("nais.console.teams.url", "http://127.0.0.1:" + TeamsApiServer.port() + "/");
        }
    }

    /** One server per JVM (profiles load in more than one class loader, so a system property holds the port). */
    static final class TeamsApiServer {
        static synchronized int port() {
            String port = System.getProperty("nais.test.teams-api.port");
            if (port != null) {
                return Integer.parseInt(port);
            }
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                server.createContext("/teams/", exchange -> {
                    String team = exchange.getRequestURI().getPath().substring("/teams/".length());
                    Path status = ANSWERS.resolve(team + ".status");
                    Path body = ANSWERS.resolve(team);
                    if (Files.exists(status)) {
                        exchange.sendResponseHeaders(Integer.parseInt(Files.readString(status).trim()), -1);
                    } else {
                        byte[] bytes = Files.exists(body) ? Files.readAllBytes(body) : new byte[0];
                        exchange.getResponseHeaders().set("Content-Type", "application/json");
                        exchange.sendResponseHeaders(Files.exists(body) ? 200 : 404, bytes.length == 0 ? -1 : bytes.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(bytes);
                        }
                    }
                    exchange.close();
                });
                server.start();
                System.setProperty("nais.test.teams-api.port", String.valueOf(server.getAddress().getPort()));
                return server.getAddress().getPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    TeamsApiBridge bridge;

    private final String team = "team-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void realDifferencesAreEmittedOnceAndARepeatedPollEmitsNothing() throws IOException {
        serve("a@example.com", "b@example.com", "c@example.com");
        assertThat(bridge.pollTeam(team).added()).containsExactly("a@example.com", "b@example.com", "c@example.com");

        // what a restart does: poll the same answer again from the persisted mirror
        assertThat(bridge.pollTeam(team).isEmpty()).isTrue();

        serve("a@example.com", "b@example.com", "d@example.com");
        MembershipDiff change = bridge.pollTeam(team);
        assertThat(change.added()).containsExactly("d@example.com");
        assertThat(change.removed()).containsExactly("c@example.com");

        try (TestEventBus events = infra.events()) {
            events.awaitCount(EventTopic.TEAM_MEMBERSHIP, e -> e.key().equals(team), 5, Duration.ofSeconds(30));
            List<String> emitted = events.readAll(EventTopic.TEAM_MEMBERSHIP).stream().filter(e -> e.key().equals(team))
                    .map(e -> e.data().getClass().getSimpleName() + " " + email(e.data())).toList();
            assertThat(emitted).containsExactlyInAnyOrder("TeamMemberAdded a@example.com", "TeamMemberAdded b@example.com",
                    "TeamMemberAdded c@example.com", "TeamMemberAdded d@example.com", "TeamMemberRemoved c@example.com");
        }
    }

    @Test
    void failingOrEmptyApiNeverRemovesMembers() throws IOException {
        serve("a@example.com", "b@example.com", "c@example.com", "d@example.com");
        assertThat(bridge.pollTeam(team).added()).hasSize(4);

        Files.writeString(ANSWERS.resolve(team + ".status"), "503");
        assertThat(bridge.pollTeam(team).isEmpty()).isTrue();
        Files.delete(ANSWERS.resolve(team + ".status"));

        serve();
        assertThat(bridge.pollTeam(team).refused()).isTrue();

        serve("a@example.com");
        assertThat(bridge.pollTeam(team).refused()).isTrue();

        Files.writeString(ANSWERS.resolve(team), "{\"unexpected\": true}");
        assertThat(bridge.pollTeam(team).isEmpty()).isTrue();

        serve("a@example.com", "b@example.com", "c@example.com");
        assertThat(bridge.pollTeam(team).removed()).containsExactly("d@example.com");
    }

    @Test
    void guardIsPureAndConfigurable() {
        Set<String> four = Set.of("a", "b", "c", "d");
        assertThat(MembershipDiff.between(four, Set.of("a", "b"), 0.5).refused()).isFalse();
        assertThat(MembershipDiff.between(four, Set.of("a"), 0.5).refused()).isTrue();
        assertThat(MembershipDiff.between(four, Set.of("a"), 0.8).refused()).isFalse();
        assertThat(MembershipDiff.between(four, Set.of(), 1.0).refused()).isTrue();
        assertThat(MembershipDiff.between(Set.of(), Set.of(), 0.5).isEmpty()).isTrue();
    }

    private void serve(String... members) throws IOException {
        Files.createDirectories(ANSWERS);
        StringBuilder json = new StringBuilder("{\"member\": [");
        for (int i = 0; i < members.length; i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(members[i]).append('"');
        }
        Files.writeString(ANSWERS.resolve(team), json.append("]}"));
    }

    private static String email(Object data) {
        return data instanceof TeamMemberAdded added ? added.email()
                : ((io.nais.pg.events.TeamMemberRemoved) data).email();
    }
}
