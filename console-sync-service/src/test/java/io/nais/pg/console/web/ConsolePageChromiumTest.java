package io.nais.pg.console.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.nais.pg.console.api.ScriptedTeam;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.browser.Chromium;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The console as a person uses it, in real headless Chromium: signed in through the issuer's own login form (code
 * flow with PKCE, cookie session), acting through the real dba-grant-service. Screenshots of the pages land in
 * {@code target/screenshots/}.
 */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidcLoginForm = true)
@WithTestResource(DbaGrantServiceResource.class)
class ConsolePageChromiumTest {

    /** A reason a DBA could type; it must reach the page as text, never as markup. */
    static final String HOSTILE_REASON = "<img src=x onerror=alert(1)>";
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectInfrastructure
    Infrastructure infra;

    @TestHTTPResource("/")
    URL base;

    @ConfigProperty(name = "nais.console.peers.dba-grant-url")
    String dbaGrantUrl;

    @Test
    void memberSignsInSeesClustersApprovesADbaRequestAndRevokesTheGrant() throws Exception {
        ScriptedTeam t = new ScriptedTeam().publish(infra);
        UUID grant = fileDbaRequest(t, HOSTILE_REASON);
        try (Chromium browser = Chromium.start()) {
            signIn(browser, base + "console/teams/" + t.team, t.alice);
            assertThat(browser.find("#signed-in-as").text()).isEqualTo(t.alice);
            assertThat(browser.find("tr.cluster[data-cluster='" + t.cluster + "']").text())
                    .contains(t.app).contains("Running").contains("16");
            browser.screenshot(Path.of("target/screenshots/team.png"));

            String clusterPage = base + "console/teams/" + t.team + "/" + t.app;
            awaitOnPage(browser, clusterPage, "tr.pending[data-grant='" + grant + "']");
            assertThat(browser.find("tr.pending[data-grant='" + grant + "'] .requester").text()).isEqualTo(t.dba);
            assertThat(browser.find("tr.pending[data-grant='" + grant + "']").text()).contains("2h 0m");
            assertThat(browser.find("#audit").text()).as("the session's level").contains("from 127.0.0.1 (read-only)");
            browser.screenshot(Path.of("target/screenshots/cluster.png"));

            browser.find("#approve-" + grant).clickAndAwaitNextPage();
            assertThat(browser.currentUrl()).endsWith("?done=approved");
            awaitOnPage(browser, clusterPage, "tr.grant[data-grant='" + grant + "']");
            assertThat(browser.find("tr.grant[data-grant='" + grant + "']").text()).contains(t.alice).contains("left");
            assertThat(grantState(t, grant)).isEqualTo("GRANTED");

            browser.find("#revoke-" + grant).clickAndAwaitNextPage();
            assertThat(browser.currentUrl()).endsWith("?done=revoked");
            assertThat(grantState(t, grant)).isEqualTo("REVOKED");
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.open(clusterPage)
                    .findAll("tr.grant[data-grant='" + grant + "']").isEmpty());
        }
    }

    @Test
    void theAuditTrailFiltersByPersonAndKindAndPagesWithoutRepeats() throws Exception {
        ScriptedTeam t = new ScriptedTeam().publish(infra);
        String token = infra.oidcWithLoginForm().token().subject(t.alice).email(t.alice).sign();
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(HTTP.send(HttpRequest.newBuilder(
                URI.create(base + "api/audit?team=" + t.team)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).body()).get("items").size() >= ScriptedTeam.AUDIT_LINES);
        try (Chromium browser = Chromium.start()) {
            signIn(browser, base + "console/teams/" + t.team, t.alice);
            browser.find("#audit-link").clickAndAwaitNextPage();
            browser.open(base + "console/audit/" + t.team + "?size=5");
            java.util.List<String> seen = new java.util.ArrayList<>();
            for (int page = 1; ; page++) {
                java.util.List<String> rows = browser.findAll("tr.audit").stream().map(Chromium.Element::text).toList();
                assertThat(rows).as("page %d", page).hasSizeBetween(1, 5).noneMatch(seen::contains);
                seen.addAll(rows);
                if (browser.findAll("#older").isEmpty()) {
                    break;
                }
                browser.find("#older").clickAndAwaitNextPage();
            }
            // the script's lines, and any the real dba-grant-service added for the team's scripted request
            assertThat(seen).hasSizeGreaterThanOrEqualTo(ScriptedTeam.AUDIT_LINES);

            browser.find("#person").type(t.alice);
            browser.find("#filter").clickAndAwaitNextPage();
            assertThat(browser.findAll("tr.audit td.person")).isNotEmpty()
                    .allSatisfy(cell -> assertThat(cell.text()).isEqualTo(t.alice));
            browser.open(base + "console/audit/" + t.team + "?kind=LoginDenied");
            assertThat(browser.findAll("tr.audit td.kind")).hasSize(1)
                    .allSatisfy(cell -> assertThat(cell.text()).isEqualTo("LoginDenied"));
            browser.screenshot(Path.of("target/screenshots/audit.png"));
        }
    }

    @Test
    void anActionTheApiRefusesShowsTheApisStatusAndReason() throws Exception {
        ScriptedTeam t = new ScriptedTeam().publish(infra);
        UUID grant = fileDbaRequest(t, "reindex the orders table");
        String clusterPage = base + "console/teams/" + t.team + "/" + t.app;
        try (Chromium browser = Chromium.start()) {
            signIn(browser, clusterPage, t.alice);
            awaitOnPage(browser, clusterPage, "tr.pending[data-grant='" + grant + "']");
            // decided elsewhere (another member, the CLI) while the page was open
            String token = infra.oidcWithLoginForm().token().subject(t.alice).email(t.alice).sign();
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(dbaGrantUrl + "/api/grants/" + grant + "/deny"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"not now\"}")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);

            browser.find("#approve-" + grant).clickAndAwaitNextPage();
            assertThat(browser.find("#refusal").text()).startsWith("Refused: ").contains("DENIED");
            // the page answers with the API's status too (409: already decided)
            String csrf = browser.find("input[name=csrf]").attribute("value");
            assertThat(post(browser, base + "console/actions/" + t.team + "/" + t.app + "/grants/" + grant + "/approve",
                    Map.of("csrf", csrf)).statusCode()).isEqualTo(409);
            assertThat(grantState(t, grant)).isEqualTo("DENIED");
        }
    }

    @Test
    void aReasonWithMarkupIsShownAsText() throws Exception {
        ScriptedTeam t = new ScriptedTeam().publish(infra);
        UUID grant = fileDbaRequest(t, HOSTILE_REASON);
        try (Chromium browser = Chromium.start()) {
            signIn(browser, base + "console/teams/" + t.team + "/" + t.app, t.alice);
            awaitOnPage(browser, base + "console/teams/" + t.team + "/" + t.app, "tr.pending[data-grant='" + grant + "']");
            assertThat(browser.find("tr.pending[data-grant='" + grant + "'] .reason").text()).isEqualTo(HOSTILE_REASON);
            assertThat(browser.findAll("main img")).isEmpty();
        }
    }

    @Test
    void aNonMemberSeesNothingOfTheTeam() throws Exception {
        ScriptedTeam t = new ScriptedTeam().publish(infra);
        awaitMember(t);
        String outsider = "outsider-" + UUID.randomUUID() + "@example.com";
        try (Chromium browser = Chromium.start()) {
            signIn(browser, base + "console", outsider);
            assertThat(browser.find("#signed-in-as").text()).isEqualTo(outsider);
            assertThat(browser.find("#empty-state").text()).contains("You are not on a team yet");
            assertThat(browser.source()).doesNotContain(t.team);
            browser.screenshot(Path.of("target/screenshots/newcomer.png"));

            for (String page : new String[] {"console/teams/" + t.team, "console/teams/" + t.team + "/" + t.app}) {
                HttpResponse<String> response = get(browser, base + page);
                assertThat(response.statusCode()).as(page).isEqualTo(403);
                assertThat(response.body()).doesNotContain(t.alice).doesNotContain(t.dba);
            }
        }
    }

    @Test
    void aForgedPostWithoutTheSessionsCsrfTokenIsRefused() throws Exception {
        ScriptedTeam t = new ScriptedTeam().publish(infra);
        UUID grant = fileDbaRequest(t, "vacuum full, table bloat");
        String approve = base + "console/actions/" + t.team + "/" + t.app + "/grants/" + grant + "/approve";
        try (Chromium alice = Chromium.start(); Chromium other = Chromium.start()) {
            signIn(alice, base + "console/teams/" + t.team + "/" + t.app, t.alice);
            signIn(other, base + "console/teams/" + t.team + "/" + t.app, t.alice);
            String otherSessionsToken = other.find("input[name=csrf]").attribute("value");

            // a browser sends the victim's cookies with a cross-site form post; the post lacks the token
            assertThat(post(alice, approve, Map.of()).statusCode()).isEqualTo(403);
            // ... or carries a token of another session of the same person (one the attacker could have)
            assertThat(post(alice, approve, Map.of("csrf", otherSessionsToken)).statusCode()).isEqualTo(403);
            assertThat(post(alice, approve, Map.of("csrf", "forged")).statusCode()).isEqualTo(403);
            // refused before dba-grant-service was asked: the request still waits
            assertThat(grantState(t, grant)).isEqualTo("REQUESTED");
        }
    }

    @Test
    void pagesCarryTheSecurityHeadersAndTheSessionCookieIsHttpOnlyAndSameSite() throws Exception {
        ScriptedTeam t = new ScriptedTeam().publish(infra);
        awaitMember(t);
        try (Chromium browser = Chromium.start()) {
            signIn(browser, base + "console", t.alice);
            Map<String, Chromium.Cookie> cookies = browser.cookies();
            assertThat(cookies.get("q_session_console")).isNotNull()
                    .satisfies(c -> assertThat(c.httpOnly()).isTrue())
                    .satisfies(c -> assertThat(c.secure()).isTrue())
                    .satisfies(c -> assertThat(c.sameSite()).isEqualTo("Lax"));
            assertThat(cookies.get(CsrfTokens.COOKIE)).isNotNull()
                    .satisfies(c -> assertThat(c.httpOnly()).isTrue())
                    .satisfies(c -> assertThat(c.secure()).isTrue())
                    .satisfies(c -> assertThat(c.sameSite()).isEqualTo("Strict"));
            HttpResponse<String> page = get(browser, base + "console");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                    .contains("default-src 'none'").contains("frame-ancestors 'none'").doesNotContain("script-src"));
            assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
            assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");

            browser.find("#sign-out").clickAndAwaitNextPage();
            assertThat(browser.find("h1").text()).isEqualTo("You are signed out");
            HttpResponse<String> after = get(browser, base + "console");
            assertThat(after.statusCode()).isEqualTo(302);
            assertThat(after.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location)
                    .startsWith(infra.oidcWithLoginForm().authorizationEndpoint()));
        }
    }

    /** The issuer's login step, as a person does it: its form, a username, and claims naming who they are. */
    static void signIn(Chromium browser, String url, String email) {
        browser.open(url);
        assertThat(browser.currentUrl()).as("the console sends the browser to the issuer; page: %s", browser.source())
                .contains("/authorize").contains("code_challenge=");
        browser.find("input[name=username]").type(email);
        browser.find("textarea[name=claims]").type("{\"sub\": \"" + email + "\", \"email\": \"" + email + "\"}");
        browser.find("input[type=submit]").clickAndAwaitNextPage();
        assertThat(browser.currentUrl()).as("back in the console, signed in").startsWith(url);
    }

    private static void awaitOnPage(Chromium browser, String url, String css) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !browser.open(url).findAll(css).isEmpty());
    }

    /** The DBA files a request with the real API, once dba-grant-service knows the cluster. */
    private UUID fileDbaRequest(ScriptedTeam t, String reason) throws Exception {
        String token = infra.oidcWithLoginForm().token().subject(t.dba).email(t.dba).groups("dba").sign();
        String body = JSON.writeValueAsString(Map.of("clusterId", t.cluster, "reason", reason, "duration", "2h"));
        HttpResponse<String>[] filed = new HttpResponse[1];
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
            filed[0] = HTTP.send(HttpRequest.newBuilder(URI.create(dbaGrantUrl + "/api/grants"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return filed[0].statusCode() == 201;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the DBA request was not filed: "
                    + (filed[0] == null ? "no answer" : filed[0].statusCode() + " " + filed[0].body()), e);
        }
        return UUID.fromString(JSON.readTree(filed[0].body()).get("id").asText());
    }

    private String grantState(ScriptedTeam t, UUID grant) throws Exception {
        String token = infra.oidcWithLoginForm().token().subject(t.alice).email(t.alice).sign();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(dbaGrantUrl + "/api/grants/" + grant))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode view = JSON.readTree(response.body());
        return view.get("state").asText();
    }

    private void awaitMember(ScriptedTeam t) {
        String token = infra.oidcWithLoginForm().token().subject(t.alice).email(t.alice).sign();
        await().atMost(Duration.ofSeconds(30)).until(() -> HTTP.send(HttpRequest.newBuilder(
                URI.create(base + "api/teams/" + t.team + "/postgres/" + t.app)).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    /** A request with the browser's cookies for the console, as the browser would send them. */
    private static HttpResponse<String> get(Chromium browser, String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookieHeader(browser)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(Chromium browser, String url, Map<String, String> form)
            throws IOException, InterruptedException {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookieHeader(browser))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookieHeader(Chromium browser) {
        return browser.cookies().values().stream().map(c -> c.name() + "=" + c.value()).collect(Collectors.joining("; "));
    }
}
