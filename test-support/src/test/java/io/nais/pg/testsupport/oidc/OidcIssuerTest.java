package io.nais.pg.testsupport.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OidcIssuerTest {

    static OidcIssuer issuer;
    static OidcIssuer deviceIssuer;
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() {
        issuer = OidcIssuer.builder().loginAs("dev@example.com", List.of("team-a")).start();
        deviceIssuer = OidcIssuer.builder().loginAs("dev@example.com", List.of("team-a"))
                .deviceGrant(Duration.ofMinutes(5), Duration.ofSeconds(30)).start();
    }

    @AfterAll
    static void stop() {
        issuer.close();
        deviceIssuer.close();
    }

    @Test
    void discoveryNamesTheIssuerAndItsEndpoints() throws Exception {
        Map<String, Object> discovery = getJson(issuer.discoveryUrl());

        assertThat(discovery.get("issuer")).isEqualTo(issuer.issuerUrl());
        assertThat(discovery.get("jwks_uri")).isEqualTo(issuer.jwksUrl());
        assertThat(discovery.get("token_endpoint")).isEqualTo(issuer.tokenEndpoint());
        assertThat(discovery.get("authorization_endpoint")).isEqualTo(issuer.authorizationEndpoint());
        assertThat(discovery).as("no device grant unless asked for").doesNotContainKey("device_authorization_endpoint");
    }

    @Test
    void deviceGrantPendsSlowsDownTooEagerPollsAndIssuesTheLoginIdentitysTokensOnceApproved() throws Exception {
        Map<String, Object> discovery = getJson(deviceIssuer.discoveryUrl());
        assertThat(discovery.get("issuer")).isEqualTo(deviceIssuer.issuerUrl());
        String endpoint = (String) discovery.get("device_authorization_endpoint");
        assertThat(endpoint).isEqualTo(deviceIssuer.issuerUrl() + "/device_authorization");

        Map<String, Object> device = postForm(endpoint, Map.of("client_id", "nais-cli", "scope", "openid email offline_access"));
        String userCode = (String) device.get("user_code");
        assertThat(userCode).matches("[B-Z]{4}-[B-Z]{4}");
        assertThat(device).containsEntry("verification_uri", deviceIssuer.issuerUrl() + "/device").containsEntry("interval", 30L);
        Map<String, String> poll = Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                "device_code", (String) device.get("device_code"), "client_id", "nais-cli");

        assertThat(post(deviceIssuer.tokenEndpoint(), poll).body()).contains("\"authorization_pending\"");
        assertThat(post(deviceIssuer.tokenEndpoint(), poll).body()).as("a poll within the interval").contains("\"slow_down\"");
        assertThat(post(deviceIssuer.tokenEndpoint(), Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                "device_code", (String) device.get("device_code"), "client_id", "another-client")).body()).contains("\"invalid_grant\"");

        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create((String) device.get("verification_uri_complete"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("value=\"" + userCode + "\"");
        HttpResponse<String> approved = post(deviceIssuer.issuerUrl() + "/device",
                Map.of("user_code", userCode.toLowerCase(java.util.Locale.ROOT).replace("-", " "), "decision", "approve"));
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);

        Map<String, Object> tokens = postForm(deviceIssuer.tokenEndpoint(), poll);
        JwtClaims access = verifier(deviceIssuer).processToClaims((String) tokens.get("access_token"));
        assertThat(access.getClaimValueAsString("email")).isEqualTo("dev@example.com");
        Map<String, Object> refreshed = postForm(deviceIssuer.tokenEndpoint(), Map.of("grant_type", "refresh_token",
                "refresh_token", (String) tokens.get("refresh_token"), "client_id", "nais-cli"));
        assertThat(verifier(deviceIssuer).processToClaims((String) refreshed.get("access_token")).getSubject()).isEqualTo("dev@example.com");
        assertThat(post(deviceIssuer.tokenEndpoint(), poll).body()).as("a device code is used once").contains("\"invalid_grant\"");
    }

    @Test
    void deniedDeviceLoginIsAccessDenied() throws Exception {
        Map<String, Object> device = postForm(deviceIssuer.issuerUrl() + "/device_authorization", Map.of("client_id", "nais-cli"));

        post(deviceIssuer.issuerUrl() + "/device", Map.of("user_code", (String) device.get("user_code"), "decision", "deny"));

        HttpResponse<String> answer = post(deviceIssuer.tokenEndpoint(), Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                "device_code", (String) device.get("device_code"), "client_id", "nais-cli"));
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("\"access_denied\"");
    }

    @Test
    void mintedTokenVerifiesAgainstTheJwksFetchedOverHttp() throws Exception {
        Instant iat = Instant.now().minusSeconds(10);
        String token = issuer.token().subject("sub-1").email("me+tag@example.com").groups("team-a", "team-b")
                .audience("nais-pg").issuedAt(iat).lifetime(Duration.ofMinutes(2)).sign();

        JwtClaims claims = verifier().processToClaims(token);

        assertThat(claims.getSubject()).isEqualTo("sub-1");
        assertThat(claims.getClaimValueAsString("email")).isEqualTo("me+tag@example.com");
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("team-a", "team-b");
        assertThat(claims.getIssuedAt().getValue()).isEqualTo(iat.getEpochSecond());
        assertThat(claims.getExpirationTime().getValue()).isEqualTo(iat.plus(Duration.ofMinutes(2)).getEpochSecond());
        assertThat(getJson(issuer.jwksUrl()).toString()).doesNotContain("\"d\"");
    }

    @Test
    void expiredNotYetValidAndForeignTokensAreRejectedByTheJwksVerifier() {
        String expired = issuer.token().issuedAt(Instant.now().minusSeconds(600)).lifetime(Duration.ofMinutes(1)).sign();
        String early = issuer.token().notBefore(Instant.now().plusSeconds(600)).lifetime(Duration.ofMinutes(20)).sign();
        String foreign = OidcIssuerKeys.foreignToken(issuer.issuerUrl());

        for (String token : List.of(expired, early, foreign)) {
            assertThatThrownBy(() -> verifier().processToClaims(token)).isInstanceOf(InvalidJwtException.class);
        }
    }

    @Test
    void authorizationCodeFlowWithPkceAndRefreshIssuesTokensForTheLoginIdentity() throws Exception {
        String verifier = "verifier-" + "x".repeat(40);
        String challenge = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String redirect = "http://127.0.0.1:1/callback";
        String authorize = issuer.authorizationEndpoint() + "?" + form(Map.of("response_type", "code", "client_id", "nais-cli",
                "redirect_uri", redirect, "scope", "openid email", "state", "s1", "code_challenge", challenge,
                "code_challenge_method", "S256", "nonce", "n1"));

        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(URI.create(authorize)).build(), HttpResponse.BodyHandlers.ofString());
        URI callback = URI.create(login.headers().firstValue("location").orElseThrow());
        Map<String, String> query = parse(callback.getRawQuery());
        assertThat(callback.toString()).startsWith(redirect);
        assertThat(query).containsEntry("state", "s1");

        Map<String, Object> tokens = postForm(issuer.tokenEndpoint(), Map.of("grant_type", "authorization_code",
                "code", query.get("code"), "redirect_uri", redirect, "client_id", "nais-cli", "code_verifier", verifier));
        JwtClaims idToken = verifier().processToClaims((String) tokens.get("id_token"));
        assertThat(idToken.getClaimValueAsString("email")).isEqualTo("dev@example.com");
        assertThat(idToken.getStringListClaimValue("groups")).containsExactly("team-a");

        Map<String, Object> refreshed = postForm(issuer.tokenEndpoint(), Map.of("grant_type", "refresh_token",
                "refresh_token", (String) tokens.get("refresh_token"), "client_id", "nais-cli"));
        assertThat(verifier().processToClaims((String) refreshed.get("access_token")).getSubject()).isEqualTo("dev@example.com");
    }

    @Test
    void attachedHandleMintsTokensTheRunningIssuerVerifies() throws Exception {
        OidcIssuer attached = OidcIssuer.attach(issuer.stateDirectory());

        assertThat(attached.issuerUrl()).isEqualTo(issuer.issuerUrl());
        assertThat(verifier().processToClaims(attached.token().sign()).getSubject()).isEqualTo(OidcIssuer.DEFAULT_EMAIL);
        attached.close();
        assertThat(getJson(issuer.discoveryUrl())).containsKey("issuer");
    }

    private static JwtConsumer verifier() {
        return verifier(issuer);
    }

    private static JwtConsumer verifier(OidcIssuer issuer) {
        return new JwtConsumerBuilder()
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(issuer.jwksUrl())))
                .setExpectedIssuer(issuer.issuerUrl())
                .setExpectedAudience(OidcIssuer.DEFAULT_AUDIENCE)
                .setRequireExpirationTime()
                .setRequireSubject()
                .build();
    }

    private static Map<String, Object> getJson(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JsonUtil.parseJson(response.body());
    }

    private static Map<String, Object> postForm(String url, Map<String, String> form) throws Exception {
        HttpResponse<String> response = post(url, form);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonUtil.parseJson(response.body());
    }

    private static HttpResponse<String> post(String url, Map<String, String> form) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> parse(String query) {
        return java.util.Arrays.stream(query.split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> java.net.URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }
}
