package io.nais.pg.console.cli;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.nais.pg.cli.Environment;
import io.nais.pg.cli.Nais;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code <app>} without {@code --team}: the real CLI asks this service's
 * {@code GET /api/me/postgres} with a real OIDC token. A person in two teams
 * (both with a "shop", one with a "solo") who also holds a DBA grant on a
 * third team's "granted".
 */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class NaisAppResolutionTest {

    @InjectInfrastructure
    Infrastructure infra;
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private static World world;

    private record World(String teamA, String teamB, String teamC, String person) {
    }

    private World world() {
        if (world == null) {
            String suffix = UUID.randomUUID().toString().substring(0, 6);
            World w = new World("a-" + suffix, "b-" + suffix, "c-" + suffix, "p-" + suffix + "@example.com");
            Instant now = Instant.now();
            publish(new TeamMemberAdded(w.teamA, w.person), new TeamMemberAdded(w.teamB, w.person),
                    cluster(w.teamA, "shop"), cluster(w.teamB, "shop"), cluster(w.teamA, "solo"),
                    cluster(w.teamC, "granted"), cluster(w.teamC, "other"),
                    new DbaAccessGranted(UUID.randomUUID(), w.teamC + "/granted", w.teamC, w.person,
                            "owner@example.com", now, now.plusSeconds(3600)));
            world = w;
        }
        String token = tokenFor(world.person);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(given().auth().oauth2(token)
                .get("/api/me/postgres").then().statusCode(200).extract().jsonPath().getList("clusterId")).hasSize(4));
        return world;
    }

    @Test
    void meListsTheTeamsClustersAndTheOnesHeldByAnActiveDbaGrant() {
        World w = world();

        var reachable = given().auth().oauth2(tokenFor(w.person)).get("/api/me/postgres").then().statusCode(200)
                .extract().jsonPath();

        assertThat(reachable.getList("clusterId")).containsExactly(w.teamA + "/shop", w.teamA + "/solo",
                w.teamB + "/shop", w.teamC + "/granted");
        assertThat(reachable.getString("find { it.clusterId == '" + w.teamC + "/granted' }.via")).isEqualTo("dba-grant");
        assertThat(reachable.getString("find { it.clusterId == '" + w.teamA + "/solo' }.via")).isEqualTo("team");
        assertThat(reachable.getString("find { it.clusterId == '" + w.teamA + "/solo' }.gatewayDatabase"))
                .isEqualTo(w.teamA + "/solo");
    }

    @Test
    void proxyWithoutTeamFindsTheOnlyTeamWithTheApp() throws Exception {
        World w = world();

        assertThat(proxyListening(environment(w.person), "solo")).contains("Proxy for " + w.teamA + "/solo listening");
    }

    @Test
    void proxyWithoutTeamReachesAClusterHeldByADbaGrant() throws Exception {
        World w = world();

        assertThat(proxyListening(environment(w.person), "granted")).contains("Proxy for " + w.teamC + "/granted listening");
    }

    @Test
    void anAppInTwoTeamsNamesBothTeamsAndAsksForTeam() throws Exception {
        World w = world();

        Run run = nais(environment(w.person), "postgres", "proxy", "shop", "--no-check", "--port", "0");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains(w.teamA).contains(w.teamB).contains("--team");
    }

    @Test
    void anAppInNoneOfThePersonsClustersIsUnknown() throws Exception {
        World w = world();

        Run other = nais(environment(w.person), "postgres", "proxy", "other", "--no-check", "--port", "0");

        assertThat(other.exit).isEqualTo(7);
        assertThat(other.err).contains("None of the databases you may reach is called other");
    }

    @Test
    void teamFlagOrConfigOverridesTheLookupAndWorksWithoutTheApi() throws Exception {
        World w = world();
        Map<String, String> offline = environment(w.person);
        offline.remove("NAIS_API_URL");

        assertThat(proxyListening(offline, "shop", "--team", w.teamB)).contains("Proxy for " + w.teamB + "/shop listening");
        offline.put("NAIS_TEAM", w.teamA);
        assertThat(proxyListening(offline, "shop")).contains("Proxy for " + w.teamA + "/shop listening");
    }

    @Test
    void auditWithoutTeamResolvesTheAppThroughTheApi() throws Exception {
        World w = world();

        Run run = nais(environment(w.person), "postgres", "audit", "solo");

        assertThat(run.exit).as(run.err).isZero();
        assertThat(run.out).contains("no audit lines for " + w.teamA + "/solo");
    }

    private static ClusterDiscovered cluster(String team, String app) {
        return new ClusterDiscovered(team + "/" + app, team, app, app + "." + team + ".svc", 5432, app, app,
                List.of("public"), "k8s:" + team + "/postgres." + app + ".credentials", "16", "Running");
    }

    private void publish(PlatformEvent... events) {
        try (TestEventBus bus = infra.events()) {
            for (PlatformEvent event : events) {
                bus.publish(Envelope.of("test", event));
            }
        }
    }

    private String tokenFor(String email) {
        return infra.oidc().token().subject(email).email(email).sign();
    }

    private Map<String, String> environment(String person) throws IOException {
        Map<String, String> variables = new HashMap<>();
        variables.put("NAIS_CONFIG_DIR", Files.createTempDirectory("nais-config").toString());
        variables.put("NAIS_TOKEN", tokenFor(person));
        variables.put("NAIS_API_URL", "http://127.0.0.1:" + port);
        variables.put("NAIS_GATEWAY_HOST", "127.0.0.1");
        variables.put("NAIS_GATEWAY_PORT", "9");
        return variables;
    }

    /** Runs {@code nais postgres proxy <app> --no-check --port 0} as a child process until it announces itself. */
    private static String proxyListening(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Nais.class.getName(), "postgres", "proxy"));
        command.addAll(List.of(args));
        command.addAll(List.of("--no-check", "--port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process proxy = builder.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder seen = new StringBuilder();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                seen.append(line).append('\n');
                if (line.contains("listening on")) {
                    return seen.toString();
                }
            }
            return seen.toString();
        } finally {
            proxy.destroy();
            proxy.waitFor();
        }
    }

    private Run nais(Map<String, String> variables, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Nais.run(new Environment(variables, Path.of(System.getProperty("user.home"))),
                new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private record Run(int exit, String out, String err) {
    }
}
