package io.nais.pg.console.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.nais.pg.cli.Environment;
import io.nais.pg.cli.Nais;
import io.nais.pg.console.api.ScriptedTeam;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.SessionOpened;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The real {@code nais postgres audit} command, run in-process through the
 * CLI's picocli entry point (the cli module is a test dependency), against
 * this service's audit API with real OIDC tokens and events on real Kafka:
 * the app's lines only, every page, the person filter, and the refusals.
 */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class NaisAuditCommandTest {

    @InjectInfrastructure
    Infrastructure infra;
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private static ScriptedTeam script;

    /** The scripted team's history, plus one session on another app of the same team that must not show. */
    private ScriptedTeam folded() {
        if (script == null) {
            script = new ScriptedTeam().publish(infra);
            try (TestEventBus events = infra.events()) {
                events.publish(Envelope.of("test", new SessionOpened(script.team + "/billing", UUID.randomUUID(),
                        script.alice, "127.0.0.1", Instant.now(), null, SessionOpened.Level.READ)));
            }
        }
        String alice = tokenFor(script.alice);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(nais(alice, "postgres", "audit", "billing").out).contains("SessionOpened")
                    .as("the session's level").contains("from 127.0.0.1 (read-only)");
            assertThat(lines(nais(alice, "postgres", "audit", "orders").out)).isEqualTo(ScriptedTeam.AUDIT_LINES);
        });
        return script;
    }

    @Test
    void auditShowsEveryLineOfTheAppAcrossPagesAndNoneOfAnotherApp() throws Exception {
        ScriptedTeam t = folded();

        Run paged = nais(tokenFor(t.alice), "postgres", "audit", "orders", "--page-size", "2");

        assertThat(paged.exit).as(paged.err).isZero();
        assertThat(lines(paged.out)).isEqualTo(ScriptedTeam.AUDIT_LINES);
        assertThat(paged.out).contains("SessionOpened").contains("LoginDenied").contains("mallory@example.com")
                .contains("GrantRevoked").doesNotContain(t.team + "/billing");
    }

    @Test
    void limitStopsAfterThatManyNewestLinesAcrossPages() throws Exception {
        ScriptedTeam t = folded();

        Run limited = nais(tokenFor(t.alice), "postgres", "audit", "orders", "--limit", "5", "--page-size", "2");

        assertThat(limited.exit).as(limited.err).isZero();
        assertThat(lines(limited.out)).isEqualTo(5);
        assertThat(limited.out).contains("LoginDenied"); // the newest line of the script
    }

    @Test
    void personAndSinceFilterTheLinesAndJsonIsMachineReadable() throws Exception {
        ScriptedTeam t = folded();

        Run alice = nais(tokenFor(t.alice), "postgres", "audit", "orders", "--person", t.dba, "--since", "1h", "--json");

        assertThat(alice.exit).as(alice.err).isZero();
        assertThat(alice.out.trim()).startsWith("[");
        assertThat(alice.out).contains("\"kind\" : \"GrantRevoked\"").contains("\"kind\" : \"DbaAccessRequested\"")
                .doesNotContain("LoginDenied").doesNotContain("SessionOpened");
        assertThat(alice.out.split("\"kind\"", -1)).hasSize(4 + 1);
    }

    @Test
    void aRemovedMemberIsRefusedAndABadTokenIsNotLoggedIn() throws Exception {
        ScriptedTeam t = folded();

        Run bob = nais(tokenFor(t.bob), "postgres", "audit", "orders");
        assertThat(bob.exit).isEqualTo(6);
        assertThat(bob.err).contains("console-sync-service");

        String forged = tokenFor(t.alice);
        forged = forged.substring(0, forged.lastIndexOf('.') + 1) + "AAAA";
        Run rejected = nais(forged, "postgres", "audit", "orders");
        assertThat(rejected.exit).isEqualTo(4);
        assertThat(rejected.err).contains("nais auth login").doesNotContain(forged);
    }

    @Test
    void aSinceThatIsNotADurationIsAUsageError() throws Exception {
        Run wrong = nais(tokenFor("someone@example.com"), "postgres", "audit", "orders", "--since", "yesterday");

        assertThat(wrong.exit).isEqualTo(2);
        assertThat(wrong.err).contains("--since must be a number and a unit");
    }

    private String tokenFor(String email) {
        return infra.oidc().token().subject(email).email(email).sign();
    }

    /** Rows of the table, without its header. */
    private static long lines(String table) {
        return table.lines().filter(line -> !line.isBlank() && !line.startsWith("TIME")).count();
    }

    private Run nais(String token, String... args) throws IOException {
        Map<String, String> variables = Map.of("NAIS_CONFIG_DIR", Files.createTempDirectory("nais-config").toString(),
                "NAIS_TOKEN", token, "NAIS_API_URL", "http://127.0.0.1:" + port, "NAIS_TEAM", script == null ? "team-x" : script.team);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Nais.run(new Environment(variables, Path.of(System.getProperty("user.home"))),
                new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private record Run(int exit, String out, String err) {
    }
}
