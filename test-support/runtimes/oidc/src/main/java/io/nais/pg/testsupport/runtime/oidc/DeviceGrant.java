package io.nais.pg.testsupport.runtime.oidc;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * The OAuth 2.0 device authorization grant (RFC 8628) in front of mock-oauth2-server's
 * authorization server, which has none:
 * <ul>
 * <li>discovery gains {@code device_authorization_endpoint};
 * <li>{@code POST <issuer>/device_authorization} hands out a device code and a user code;
 * <li>{@code <issuer>/device} is the verification page a person's browser opens: a form with the
 *     user code (prefilled from {@code ?user_code=}) and Approve/Deny;
 * <li>{@code POST <issuer>/token} with the device-code grant answers {@code authorization_pending},
 *     {@code slow_down} (a poll sooner than the interval; the interval grows by 5 s),
 *     {@code access_denied}, {@code expired_token}, or, once approved, tokens.
 * </ul>
 * Approval runs the issuer's own authorization code flow (its {@code /authorize} login, its
 * {@code /token} exchange) inside this process, so the tokens, their claims and the refresh
 * token are exactly those of a browser login.
 */
final class DeviceGrant implements Route {

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
    /** Where the internal code flow "redirects": never visited, its code is exchanged at once. */
    private static final String APPROVED = "http://127.0.0.1/device-approved";
    private static final String USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"; // RFC 8628 6.1: no vowels, no look-alikes
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Route issuer;
    private final Duration lifetime;
    private final Duration interval;
    private final Map<String, Authorization> byDeviceCode = new ConcurrentHashMap<>();
    private final Map<String, String> deviceCodeByUserCode = new ConcurrentHashMap<>();

    DeviceGrant(Route issuer, Duration lifetime, Duration interval) {
        this.issuer = issuer;
        this.lifetime = lifetime;
        this.interval = interval;
    }

    /** One device login, from its device code to its tokens. */
    private static final class Authorization {
        final String clientId;
        final String scope;
        final Instant expiresAt;
        Duration interval;
        Instant lastPoll;
        String code;
        boolean denied;

        Authorization(String clientId, String scope, Instant expiresAt, Duration interval) {
            this.clientId = clientId;
            this.scope = scope;
            this.expiresAt = expiresAt;
            this.interval = interval;
        }
    }

    @Override
    public boolean match(OAuth2HttpRequest request) {
        String path = request.getUrl().encodedPath();
        String method = request.getMethod();
        return path.endsWith("/.well-known/openid-configuration") && method.equals("GET")
                || path.endsWith("/device_authorization") && method.equals("POST")
                || path.endsWith("/device")
                || path.endsWith("/token") && method.equals("POST") && GRANT_TYPE.equals(form(request.getBody()).get("grant_type"));
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.endsWith("/.well-known/openid-configuration")) {
            return discovery(request);
        }
        if (path.endsWith("/device_authorization")) {
            return authorize(request, issuerUrl(request, "/device_authorization"));
        }
        if (path.endsWith("/device")) {
            return request.getMethod().equals("POST") ? decide(request, issuerUrl(request, "/device")) : page(request);
        }
        return poll(request, issuerUrl(request, "/token"));
    }

    private OAuth2HttpResponse discovery(OAuth2HttpRequest request) {
        OAuth2HttpResponse document = (OAuth2HttpResponse) issuer.invoke(request);
        String body = document.getBody();
        String endpoint = issuerUrl(request, "/.well-known/openid-configuration") + "/device_authorization";
        String extended = "{\"device_authorization_endpoint\":" + quoted(endpoint) + "," + body.substring(body.indexOf('{') + 1);
        return new OAuth2HttpResponse(document.getHeaders(), document.getStatus(), extended, null);
    }

    /** RFC 8628 3.1-3.2. */
    private OAuth2HttpResponse authorize(OAuth2HttpRequest request, String issuerUrl) {
        Map<String, String> form = form(request.getBody());
        String clientId = form.get("client_id");
        if (clientId == null || clientId.isBlank()) {
            return error(400, "invalid_request");
        }
        String deviceCode = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
        String userCode = userCode();
        byDeviceCode.put(deviceCode, new Authorization(clientId, form.getOrDefault("scope", "openid"),
                Instant.now().plus(lifetime), interval));
        deviceCodeByUserCode.put(normalised(userCode), deviceCode);
        String verification = issuerUrl + "/device";
        return json(200, "{\"device_code\":" + quoted(deviceCode) + ",\"user_code\":" + quoted(userCode)
                + ",\"verification_uri\":" + quoted(verification)
                + ",\"verification_uri_complete\":" + quoted(verification + "?user_code=" + userCode)
                + ",\"expires_in\":" + lifetime.toSeconds() + ",\"interval\":" + interval.toSeconds() + "}");
    }

    /** The verification page: the person confirms the code their device shows, and approves or denies. */
    private static OAuth2HttpResponse page(OAuth2HttpRequest request) {
        String userCode = request.getUrl().queryParameter("user_code");
        return html(200, "<!doctype html><title>Device login</title><h1>Log in a device</h1>"
                + "<form method=\"post\"><label>Code shown on your device <input name=\"user_code\" value=\""
                + escaped(userCode == null ? "" : userCode) + "\"></label>"
                + "<label>Username <input name=\"username\" value=\"device-user\"></label>"
                + "<button name=\"decision\" value=\"approve\">Approve</button>"
                + "<button name=\"decision\" value=\"deny\">Deny</button></form>");
    }

    private OAuth2HttpResponse decide(OAuth2HttpRequest request, String issuerUrl) {
        Map<String, String> form = form(request.getBody());
        String deviceCode = deviceCodeByUserCode.remove(normalised(form.getOrDefault("user_code", "")));
        Authorization authorization = deviceCode == null ? null : byDeviceCode.get(deviceCode);
        if (authorization == null || Instant.now().isAfter(authorization.expiresAt)) {
            return html(400, "<!doctype html><title>Device login</title><p>Unknown or expired code.</p>");
        }
        if (!"approve".equals(form.get("decision"))) {
            authorization.denied = true;
            return html(200, "<!doctype html><title>Device login</title><p>Denied. You can close this page.</p>");
        }
        authorization.code = loginCode(issuerUrl, authorization, form.getOrDefault("username", "device-user"));
        return html(200, "<!doctype html><title>Device login</title><p>Approved. Return to your device.</p>");
    }

    /** The issuer's own login ({@code POST /authorize}, the sign-in form's submission): the authorization code it redirects with. */
    private String loginCode(String issuerUrl, Authorization authorization, String username) {
        HttpUrl authorize = HttpUrl.get(issuerUrl + "/authorize").newBuilder()
                .addQueryParameter("client_id", authorization.clientId)
                .addQueryParameter("response_type", "code")
                .addQueryParameter("redirect_uri", APPROVED)
                .addQueryParameter("scope", authorization.scope)
                .addQueryParameter("state", "device")
                .build();
        OAuth2HttpResponse redirect = (OAuth2HttpResponse) issuer.invoke(internal(authorize, "username=" + encoded(username)));
        String location = redirect.getHeaders().get("Location");
        String code = location == null ? null : HttpUrl.get(location).queryParameter("code");
        if (code == null) {
            throw new IllegalStateException("the issuer's login gave no code: " + redirect.getStatus() + " " + location);
        }
        return code;
    }

    /** RFC 8628 3.4-3.5. */
    private OAuth2HttpResponse poll(OAuth2HttpRequest request, String issuerUrl) {
        Map<String, String> form = form(request.getBody());
        String deviceCode = form.getOrDefault("device_code", "");
        Authorization authorization = byDeviceCode.get(deviceCode);
        if (authorization == null || !authorization.clientId.equals(form.get("client_id"))) {
            return error(400, "invalid_grant");
        }
        Instant now = Instant.now();
        if (now.isAfter(authorization.expiresAt)) {
            byDeviceCode.remove(deviceCode);
            return error(400, "expired_token");
        }
        if (authorization.denied) {
            byDeviceCode.remove(deviceCode);
            return error(400, "access_denied");
        }
        if (authorization.code == null) {
            boolean tooSoon = authorization.lastPoll != null && now.isBefore(authorization.lastPoll.plus(authorization.interval));
            authorization.lastPoll = now;
            if (tooSoon) {
                authorization.interval = authorization.interval.plusSeconds(5);
                return error(400, "slow_down");
            }
            return error(400, "authorization_pending");
        }
        byDeviceCode.remove(deviceCode);
        return (OAuth2HttpResponse) issuer.invoke(internal(HttpUrl.get(issuerUrl + "/token"), "grant_type=authorization_code"
                + "&code=" + encoded(authorization.code) + "&redirect_uri=" + encoded(APPROVED)
                + "&client_id=" + encoded(authorization.clientId)));
    }

    private static OAuth2HttpRequest internal(HttpUrl url, String form) {
        return new OAuth2HttpRequest(Headers.of("Content-Type", "application/x-www-form-urlencoded"), "POST", url, form);
    }

    /** The issuer's URL: the request's, less the endpoint's own path. */
    private static String issuerUrl(OAuth2HttpRequest request, String endpoint) {
        String url = request.getUrl().newBuilder().query(null).build().toString();
        return url.substring(0, url.length() - endpoint.length());
    }

    private static String userCode() {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            code.append(i == 4 ? "-" : "").append(USER_CODE_LETTERS.charAt(RANDOM.nextInt(USER_CODE_LETTERS.length())));
        }
        return code.toString();
    }

    /** RFC 8628 6.1: what a person types is matched without dashes, spaces or case. */
    private static String normalised(String userCode) {
        return userCode.replaceAll("[\\s-]", "").toUpperCase(java.util.Locale.ROOT);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            form.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return form;
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static OAuth2HttpResponse error(int status, String error) {
        return json(status, "{\"error\":" + quoted(error) + "}");
    }

    private static OAuth2HttpResponse json(int status, String body) {
        return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json;charset=UTF-8", "Cache-Control", "no-store"),
                status, body, null);
    }

    private static OAuth2HttpResponse html(int status, String body) {
        return new OAuth2HttpResponse(Headers.of("Content-Type", "text/html;charset=UTF-8"), status, body, null);
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String escaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
    }
}
