package io.nais.pg.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.nais.pg.cli.CliException;
import io.nais.pg.cli.ExitCode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The issuer's endpoints, found by discovery: build the authorization URL,
 * trade a code for tokens, refresh. Only the public-client flavour (PKCE, no
 * client secret): a secret shipped in a CLI is no secret.
 */
public final class OidcClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final String issuer;
    private final String clientId;
    private final String identityClaim;
    private final HttpClient http;
    private URI authorizationEndpoint;
    private URI tokenEndpoint;
    private URI deviceAuthorizationEndpoint;

    public OidcClient(String issuer, String clientId, String identityClaim) {
        this.issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        this.clientId = clientId;
        this.identityClaim = identityClaim;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public String issuer() {
        return issuer;
    }

    public URI authorizationUrl(URI redirectUri, String scopes, Pkce pkce) {
        discover();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", clientId);
        query.put("redirect_uri", redirectUri.toString());
        query.put("scope", scopes);
        query.put("state", pkce.state());
        query.put("nonce", pkce.nonce());
        query.put("code_challenge", pkce.challenge());
        query.put("code_challenge_method", "S256");
        String separator = authorizationEndpoint.getRawQuery() == null ? "?" : "&";
        return URI.create(authorizationEndpoint + separator + form(query));
    }

    public TokenSet exchangeCode(String code, URI redirectUri, Pkce pkce) {
        discover();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "authorization_code");
        body.put("code", code);
        body.put("redirect_uri", redirectUri.toString());
        body.put("client_id", clientId);
        body.put("code_verifier", pkce.verifier());
        return tokens(post(body), null);
    }

    /**
     * Asks the issuer itself for a code without showing any page ({@code prompt=none}, OIDC Core
     * 3.1.2.1), with no cookies: only an issuer that signs this person in without asking (the local
     * platform's) answers with a code; any other answers {@code login_required} or a page.
     */
    public Optional<String> silentCode(URI authorizationUrl, URI redirectUri, Pkce pkce) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(authorizationUrl + "&prompt=none"))
                .timeout(TIMEOUT).GET().build());
        return response.headers().firstValue("Location")
                .filter(location -> location.startsWith(redirectUri + "?"))
                .map(location -> LoopbackRedirect.query(URI.create(location).getRawQuery()))
                .filter(query -> pkce.state().equals(query.get("state")))
                .map(query -> query.get("code"));
    }

    /** RFC 8628 3.1; empty when the issuer's discovery document names no device authorization endpoint. */
    public Optional<DeviceCode> deviceAuthorization(String scopes) {
        discover();
        if (deviceAuthorizationEndpoint == null) {
            return Optional.empty();
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("client_id", clientId);
        body.put("scope", scopes);
        HttpResponse<String> response = send(formPost(deviceAuthorizationEndpoint, body));
        JsonNode answer = parseOrEmpty(response.body());
        if (response.statusCode() != 200 || Json.text(answer, "device_code") == null) {
            throw refusal(response, answer);
        }
        JsonNode interval = answer.get("interval");
        JsonNode expiresIn = answer.get("expires_in");
        return Optional.of(new DeviceCode(Json.text(answer, "device_code"), Json.text(answer, "user_code"),
                Json.text(answer, "verification_uri"), Json.text(answer, "verification_uri_complete"),
                Duration.ofSeconds(interval != null && interval.canConvertToLong() ? interval.asLong() : 5),
                Instant.now().plusSeconds(expiresIn != null && expiresIn.canConvertToLong() ? expiresIn.asLong() : 600)));
    }

    /**
     * RFC 8628 3.4-3.5: polls the token endpoint at the issuer's pace until the person approves
     * (tokens), denies ({@code access_denied}) or the code expires ({@code expired_token}); the
     * two refusals end with {@link ExitCode#NOT_LOGGED_IN} and say what happened.
     */
    public TokenSet awaitDeviceApproval(DeviceCode device) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
        body.put("device_code", device.deviceCode());
        body.put("client_id", clientId);
        Duration interval = device.interval();
        while (true) {
            HttpResponse<String> response = send(formPost(tokenEndpoint, body));
            JsonNode answer = parseOrEmpty(response.body());
            if (response.statusCode() == 200 && Json.text(answer, "access_token") != null) {
                return tokens(answer, null);
            }
            String error = String.valueOf(Json.text(answer, "error"));
            switch (error) {
                case "authorization_pending" -> { }
                case "slow_down" -> interval = interval.plusSeconds(5);
                case "access_denied" -> throw CliException.notLoggedIn("The login was denied at the issuer (access_denied).");
                case "expired_token" -> throw CliException.notLoggedIn("The device code expired before the login was approved"
                        + " (expired_token). Run nais auth login --device again.");
                default -> throw refusal(response, answer);
            }
            if (Instant.now().plus(interval).isAfter(device.expiresAt())) {
                throw CliException.notLoggedIn("The device code expired before the login was approved."
                        + " Run nais auth login --device again.");
            }
            pause(interval);
        }
    }

    /** What the person is shown for a device login; the device code itself is never printed. */
    public record DeviceCode(String deviceCode, String userCode, String verificationUri, String verificationUriComplete,
                             Duration interval, Instant expiresAt) {
        @Override
        public String toString() {
            return "DeviceCode[user code " + userCode + ", device code hidden]";
        }
    }

    /** @throws CliException {@link ExitCode#NOT_LOGGED_IN} when the issuer refuses the refresh token */
    public TokenSet refresh(TokenSet current) {
        discover();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "refresh_token");
        body.put("refresh_token", current.refreshToken());
        body.put("client_id", clientId);
        return tokens(post(body), current.refreshToken());
    }

    private void discover() {
        if (tokenEndpoint != null) {
            return;
        }
        URI discovery = URI.create(issuer + "/.well-known/openid-configuration");
        HttpResponse<String> response = send(HttpRequest.newBuilder(discovery).timeout(TIMEOUT).GET().build());
        if (response.statusCode() != 200) {
            throw new CliException(ExitCode.CONFIG, "The issuer " + issuer + " has no OpenID configuration (HTTP "
                    + response.statusCode() + " from " + discovery + "). Check the issuer setting.");
        }
        JsonNode document = Json.parse(response.body());
        authorizationEndpoint = URI.create(Json.text(document, "authorization_endpoint"));
        tokenEndpoint = URI.create(Json.text(document, "token_endpoint"));
        String device = Json.text(document, "device_authorization_endpoint");
        deviceAuthorizationEndpoint = device == null ? null : URI.create(device);
    }

    private JsonNode post(Map<String, String> form) {
        HttpResponse<String> response = send(formPost(tokenEndpoint, form));
        JsonNode body = parseOrEmpty(response.body());
        if (response.statusCode() != 200 || Json.text(body, "access_token") == null) {
            throw refusal(response, body);
        }
        return body;
    }

    private static HttpRequest formPost(URI endpoint, Map<String, String> form) {
        return HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))).build();
    }

    /** error/error_description are the issuer's words for people (RFC 6749 5.2), never a token. */
    private static CliException refusal(HttpResponse<String> response, JsonNode body) {
        String error = Json.text(body, "error");
        String description = Json.text(body, "error_description");
        return CliException.notLoggedIn("The issuer refused (" + (error == null ? "HTTP " + response.statusCode() : error)
                + (description == null ? "" : ": " + description) + ").");
    }

    private static void pause(Duration interval) {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.INTERRUPTED, "Login interrupted.");
        }
    }

    private TokenSet tokens(JsonNode body, String previousRefreshToken) {
        String accessToken = Json.text(body, "access_token");
        String idToken = Json.text(body, "id_token");
        String refreshToken = Json.text(body, "refresh_token");
        var accessClaims = Jwt.decode(accessToken);
        String identity = accessClaims.flatMap(jwt -> jwt.claim(identityClaim))
                .or(() -> idToken == null ? java.util.Optional.empty() : Jwt.decode(idToken).flatMap(jwt -> jwt.claim(identityClaim)))
                .orElseThrow(() -> new CliException(ExitCode.CONFIG, "The token from " + issuer + " has no '"
                        + identityClaim + "' claim, so the gateway cannot tell who you are. Check identity-claim and scopes."));
        Instant expiresAt = accessClaims.flatMap(Jwt::expiresAt).orElseGet(() -> {
            JsonNode expiresIn = body.get("expires_in");
            return Instant.now().plusSeconds(expiresIn != null && expiresIn.canConvertToLong() ? expiresIn.asLong() : 300);
        });
        return new TokenSet(issuer, identity, accessToken, expiresAt,
                refreshToken != null ? refreshToken : previousRefreshToken);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException(ExitCode.GATEWAY_UNREACHABLE, "Cannot reach the issuer " + issuer + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ").", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.INTERRUPTED, "Interrupted while talking to the issuer.");
        }
    }

    private static JsonNode parseOrEmpty(String body) {
        try {
            return Json.parse(body);
        } catch (IllegalArgumentException e) {
            return Json.parse("{}");
        }
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
