package io.nais.pg.cli.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.cli.testing.NaisProcess;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nais auth login} against a real OIDC issuer (mock-oauth2-server in its
 * own JVM), with an HTTP client in the browser's place: it opens the printed
 * URL, signs in at the issuer's form, and follows the issuer's redirect to the
 * CLI's loopback listener, or hands the address it ended on to the CLI's stdin
 * as a person without a browser on that machine pastes it. A second issuer signs
 * people in without a form, as the local platform's does.
 *
 * <p>{@code --device} runs against an issuer that offers the device authorization grant
 * (RFC 8628, {@link OidcIssuer.Builder#deviceGrant}), where the HTTP client approves the
 * printed code at the issuer's verification page, and against one that offers none.
 *
 * <p>mock-oauth2-server accepts any refresh token, so a refused renewal cannot
 * be provoked here; TokenHandlingTest proves that path with an issuer that
 * cannot be reached.
 */
class LoginFlowTest {

    static final String EMAIL = "ada@example.com";

    static OidcIssuer issuer;
    static OidcIssuer silentIssuer;
    static OidcIssuer deviceIssuer;
    static OidcIssuer hastyDeviceIssuer;
    @TempDir
    Path home;

    @BeforeAll
    static void startIssuers() {
        issuer = OidcIssuer.builder().loginAs(EMAIL, List.of()).loginForm().tokenLifetime(Duration.ofMinutes(10)).start();
        silentIssuer = OidcIssuer.builder().loginAs(EMAIL, List.of()).tokenLifetime(Duration.ofMinutes(10)).start();
        deviceIssuer = OidcIssuer.builder().loginAs(EMAIL, List.of()).deviceGrant(Duration.ofMinutes(5), Duration.ofSeconds(1)).start();
        hastyDeviceIssuer = OidcIssuer.builder().loginAs(EMAIL, List.of()).deviceGrant(Duration.ofSeconds(3), Duration.ofSeconds(1)).start();
    }

    @AfterAll
    static void stopIssuers() {
        issuer.close();
        silentIssuer.close();
        deviceIssuer.close();
        hastyDeviceIssuer.close();
    }

    Map<String, String> environment() {
        return environment(issuer);
    }

    Map<String, String> environment(OidcIssuer of) {
        return Map.of("NAIS_CONFIG_DIR", home.resolve("nais").toString(), "NAIS_ISSUER", of.issuerUrl());
    }

    @Test
    void loginFollowsTheLoopbackRedirectAndStoresTheIssuersTokensOwnerOnly() throws Exception {
        NaisProcess.Result login = login();

        assertThat(login.exitCode()).as(login.err()).isZero();
        assertThat(login.err()).startsWith("No browser here: open the link below").contains("Logged in as " + EMAIL + ".");
        TokenCache cache = new TokenCache(home.resolve("nais"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.file()))).isEqualTo("rw-------");
        TokenSet stored = cache.load().orElseThrow();
        assertThat(stored.identity()).isEqualTo(EMAIL);
        assertThat(stored.canRefresh()).isTrue();
        assertThat(verifiedEmail(stored.accessToken())).isEqualTo(EMAIL);
        assertThat(login.err() + login.out()).doesNotContain(stored.accessToken()).doesNotContain(stored.refreshToken());

        NaisProcess.Result status = NaisProcess.run(environment(), "auth", "status");
        assertThat(status.out()).contains("Logged in as " + EMAIL).contains("Expires:    in ").doesNotContain(stored.accessToken());
    }

    @Test
    void expiringLoginIsRenewedWithTheRefreshTokenAndTheCacheRewritten() throws Exception {
        assertThat(login().exitCode()).isZero();
        TokenCache cache = new TokenCache(home.resolve("nais"));
        TokenSet original = cache.load().orElseThrow();
        // As if ten minutes had passed: the stored access token is past its expiry.
        cache.save(new TokenSet(original.issuer(), original.identity(), original.accessToken(),
                Instant.now().minusSeconds(5), original.refreshToken()));

        NaisProcess.Result printed = NaisProcess.run(environment(), "auth", "print-access-token");

        assertThat(printed.exitCode()).as(printed.err()).isZero();
        String renewed = printed.out().strip();
        assertThat(renewed).isNotEqualTo(original.accessToken());
        assertThat(verifiedEmail(renewed)).isEqualTo(EMAIL);
        TokenSet rewritten = cache.load().orElseThrow();
        assertThat(rewritten.accessToken()).isEqualTo(renewed);
        assertThat(rewritten.expiresAt()).isAfter(Instant.now().plusSeconds(60));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.file()))).isEqualTo("rw-------");
    }

    @Test
    void redirectWithAnotherLoginsStateIsTurnedAwayAndTheLoginGoesOn() throws Exception {
        Process process = NaisProcess.start(environment(), "auth", "login", "--no-browser", "--timeout", "60");
        try {
            URI url = printedUrl(process);
            URI callback = URI.create(query(url, "redirect_uri"));
            HttpResponse<String> stray = http().send(HttpRequest.newBuilder(URI.create(callback + "?code=stolen&state=guess")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(stray.statusCode()).isEqualTo(400);
            assertThat(process.isAlive()).isTrue();

            HttpResponse<String> real = http().send(HttpRequest.newBuilder(signIn(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(real.body()).contains("You are logged in");
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void withoutABrowserThePastedAddressCompletesTheLoginAndAnotherLoginsAddressIsTurnedAway() throws Exception {
        whileLoggingIn(environment(), process -> {
            URI url = printedUrl(process);
            assertThat(printedLines.get(0)).startsWith("No browser here");
            URI endedOn = signIn(url);
            assertThat(endedOn.toString()).startsWith(query(url, "redirect_uri"));

            paste(process, endedOn.toString().replaceAll("state=[^&]+", "state=guess"));
            assertThat(NaisProcess.readUntil(process, process.getErrorStream(), "not the login")).isNotEmpty();
            assertThat(process.isAlive()).isTrue();
            paste(process, endedOn.toString());

            NaisProcess.Result ended = ended(process);
            assertThat(ended.exitCode()).as(ended.err()).isZero();
            assertThat(ended.err()).contains("Logged in as " + EMAIL + ".");
            assertThat(verifiedEmail(new TokenCache(home.resolve("nais")).load().orElseThrow().accessToken())).isEqualTo(EMAIL);
        }, "--no-browser");
    }

    @Test
    void pastedRefusalOfTheIssuerEndsTheLoginWithExitCode4() throws Exception {
        whileLoggingIn(environment(), process -> {
            URI url = printedUrl(process);
            paste(process, query(url, "redirect_uri") + "?error=access_denied&state=" + query(url, "state"));

            NaisProcess.Result ended = ended(process);
            assertThat(ended.exitCode()).isEqualTo(4);
            assertThat(ended.err()).contains("The issuer refused the login (access_denied)");
            assertThat(new TokenCache(home.resolve("nais")).load()).isEmpty();
        }, "--no-browser");
    }

    @Test
    void deviceLoginSaysTheIssuerOffersNoneAndFallsBackToPasting() throws Exception {
        whileLoggingIn(environment(), process -> {
            URI url = printedUrl(process);
            assertThat(printedLines.get(0)).startsWith("The issuer " + issuer.issuerUrl() + " offers no device login");
            paste(process, signIn(url).toString());

            assertThat(ended(process).exitCode()).isZero();
            assertThat(new TokenCache(home.resolve("nais")).load().orElseThrow().identity()).isEqualTo(EMAIL);
        }, "--device");
    }

    @Test
    void deviceLoginCompletesWhenThePersonApprovesThePrintedCodeOnAnotherDevice() throws Exception {
        whileLoggingIn(environment(deviceIssuer), process -> {
            URI verification = printedUrl(process);
            assertThat(printedLines.get(0)).startsWith("Logging in with a device code");
            String userCode = query(verification, "user_code");
            assertThat(String.join("\n", printedLines)).contains("enter the code " + userCode);

            HttpResponse<String> page = http().send(HttpRequest.newBuilder(verification).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).contains(userCode);
            HttpResponse<String> approved = http().send(HttpRequest.newBuilder(verification)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("user_code=" + userCode + "&decision=approve")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);

            NaisProcess.Result ended = ended(process);
            assertThat(ended.exitCode()).as(ended.err()).isZero();
            assertThat(ended.err()).contains("Logged in as " + EMAIL + ".");
            assertThat(verifiedEmail(new TokenCache(home.resolve("nais")).load().orElseThrow().accessToken(), deviceIssuer)).isEqualTo(EMAIL);
        }, "--device");
    }

    @Test
    void deviceCodeThatExpiresUnapprovedEndsTheLoginWithExitCode4() throws Exception {
        whileLoggingIn(environment(hastyDeviceIssuer), process -> {
            printedUrl(process);
            assertThat(printedLines.get(0)).startsWith("Logging in with a device code");

            NaisProcess.Result ended = ended(process);
            assertThat(ended.exitCode()).isEqualTo(4);
            assertThat(ended.err()).contains("The device code expired before the login was approved").contains("--device again");
            assertThat(new TokenCache(home.resolve("nais")).load()).isEmpty();
        }, "--device");
    }

    /** The local platform's issuer signs its person in without a form: no browser, no paste. */
    @Test
    void anIssuerThatSignsInWithoutAskingNeedsNoBrowser() throws Exception {
        whileLoggingIn(environment(silentIssuer), process -> {
            NaisProcess.Result ended = ended(process);
            assertThat(ended.exitCode()).as(ended.err()).isZero();
            assertThat(ended.err().lines().findFirst().orElseThrow()).startsWith("Logging in without a browser");
            assertThat(ended.err()).contains("Logged in as " + EMAIL + ".");
            assertThat(new TokenCache(home.resolve("nais")).load().orElseThrow().identity()).isEqualTo(EMAIL);
        });
    }

    private interface LoginSteps {
        void run(Process login) throws Exception;
    }

    /** Runs {@code nais auth login <flags>} as a process for the steps; it never outlives them. */
    private static void whileLoggingIn(Map<String, String> environment, LoginSteps steps, String... flags) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("auth", "login", "--timeout", "60"));
        args.addAll(List.of(flags));
        Process process = NaisProcess.start(environment, args.toArray(String[]::new));
        try {
            steps.run(process);
        } finally {
            process.destroyForcibly();
        }
    }

    /** Waits for the login to end; its exit status and what it printed from here on. */
    private static NaisProcess.Result ended(Process process) throws Exception {
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new NaisProcess.Result(process.exitValue(), new String(process.getInputStream().readAllBytes()),
                new String(process.getErrorStream().readAllBytes()));
    }

    private static void paste(Process process, String address) throws Exception {
        process.getOutputStream().write((address + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Signs in at the issuer's form as a browser would; returns where the issuer sends the browser next. */
    private static URI signIn(URI url) throws Exception {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> form = client.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(form.body()).contains("name=\"username\"");
        HttpResponse<String> signedIn = client.send(HttpRequest.newBuilder(url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + java.net.URLEncoder.encode(EMAIL, java.nio.charset.StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        return URI.create(signedIn.headers().firstValue("Location").orElseThrow(() -> new AssertionError(
                "the issuer did not redirect after sign-in: HTTP " + signedIn.statusCode())));
    }

    private NaisProcess.Result login() throws Exception {
        Process process = NaisProcess.start(environment(), "auth", "login", "--no-browser", "--timeout", "60");
        try {
            URI url = printedUrl(process);
            assertThat(query(url, "code_challenge_method")).isEqualTo("S256");
            assertThat(query(url, "redirect_uri")).startsWith("http://127.0.0.1:");
            HttpResponse<String> page = http().send(HttpRequest.newBuilder(signIn(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.uri().toString()).startsWith(query(url, "redirect_uri"));
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String out = new String(process.getInputStream().readAllBytes());
            String rest = new String(process.getErrorStream().readAllBytes());
            return new NaisProcess.Result(process.exitValue(), out, String.join("\n", printedLines) + "\n" + rest);
        } finally {
            process.destroyForcibly();
        }
    }

    private List<String> printedLines = List.of();

    private URI printedUrl(Process process) throws Exception {
        printedLines = NaisProcess.readUntil(process, process.getErrorStream(), "Waiting for the login");
        return printedLines.stream().map(String::strip).filter(line -> line.startsWith("http"))
                .map(URI::create).findFirst().orElseThrow();
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.ALWAYS).build();
    }

    private static String query(URI url, String name) {
        for (String pair : url.getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(pair.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no " + name + " in " + url);
    }

    private static String verifiedEmail(String token) throws Exception {
        return verifiedEmail(token, issuer);
    }

    private static String verifiedEmail(String token, OidcIssuer issuer) throws Exception {
        JwtConsumer consumer = new JwtConsumerBuilder().setExpectedIssuer(issuer.issuerUrl())
                .setVerificationKey(issuer.signingKey().getPublicKey()).setSkipDefaultAudienceValidation().build();
        return consumer.processToClaims(token).getStringClaimValue("email");
    }
}
