package io.nais.pg.console.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.nais.pg.console.api.OidcTestProfile;
import io.nais.pg.console.api.ScriptedTeam;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The console page in real headless Chromium against the running service:
 * the clusters table, a grant with its time left and a backup row are in the
 * rendered DOM, and a screenshot of the cluster page lands in target/.
 */
@QuarkusTest
@TestProfile(OidcTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class ConsolePageChromiumTest {

    @InjectInfrastructure
    Infrastructure infra;

    @TestHTTPResource("/")
    URL base;

    @Test
    void chromiumRendersClustersTableGrantWithTimeLeftAndBackupRow() throws Exception {
        ScriptedTeam t = new ScriptedTeam().publish(infra);
        String token = infra.oidc().token().subject(t.alice).email(t.alice).sign();
        await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(token)
                .get("/api/teams/" + t.team + "/postgres/" + t.app).statusCode() == 200
                && given().auth().oauth2(token).get("/api/audit?team=" + t.team).jsonPath().getList("items").size()
                == ScriptedTeam.AUDIT_LINES);

        String teamDom = chromium(url("console/teams/" + t.team, token), "--dump-dom");
        assertThat(teamDom).contains("<table id=\"clusters\"").contains("data-cluster=\"" + t.cluster + "\"")
                .contains("badge ok\">Running");

        String clusterUrl = url("console/teams/" + t.team + "/" + t.app, token);
        String clusterDom = chromium(clusterUrl, "--dump-dom");
        assertThat(clusterDom).containsPattern("<tr class=\"grant\"><td>" + t.dba + "</td>.*1h \\d+m left")
                .contains("<tr class=\"backup\"><td>" + t.goodBackup + "</td>")
                .contains(t.alice)
                .contains("<code class=\"statement\">" + ScriptedTeam.STATEMENT + "</code>");

        Path screenshot = Path.of("target/console.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        chromium(clusterUrl, "--screenshot=" + screenshot, "--window-size=1280,900");
        assertThat(screenshot).exists();
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    @Test
    void pageOfAnotherTeamIs403InTheBrowserToo() throws Exception {
        ScriptedTeam t = new ScriptedTeam();
        String outsider = infra.oidc().token().subject("outsider@example.com").email("outsider@example.com").sign();
        given().auth().oauth2(outsider).get("/console/teams/" + t.team).then().statusCode(403);
        given().get("/console/teams/" + t.team + "?token=" + outsider).then().statusCode(403);
        given().get("/console/teams/" + t.team).then().statusCode(401);
    }

    private String url(String path, String token) {
        return base.toString() + path + "?token=" + token;
    }

    /** Debian's chromium, headless, with the machine's recommended flags and a fresh profile. */
    private static String chromium(String url, String... mode) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> command = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--user-data-dir=" + profile));
        command.addAll(List.of(mode));
        command.add(url);
        Path out = Files.createTempFile("chromium", ".out");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("chromium did not finish within 60 s");
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
