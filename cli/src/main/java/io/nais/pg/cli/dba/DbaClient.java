package io.nais.pg.cli.dba;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.ExitCode;

/**
 * The grants API of dba-grant-service over the JDK's HTTP client. A refusal
 * comes back as {@code {rule, message}} and is shown as the service wrote it;
 * the token travels only in the Authorization header.
 */
final class DbaClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    DbaClient(String baseUrl, String token) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.token = token;
    }

    JsonNode request(String clusterId, String reason, String duration) {
        return post("api/grants", Map.of("clusterId", clusterId, "reason", reason, "duration", duration));
    }

    JsonNode decide(String grantId, String action, String reason) {
        return post("api/grants/" + encode(grantId) + "/" + action, reason == null ? Map.of() : Map.of("reason", reason));
    }

    JsonNode list(String clusterId, String state) {
        StringBuilder path = new StringBuilder("api/grants?");
        if (clusterId != null) {
            path.append("clusterId=").append(encode(clusterId)).append('&');
        }
        if (state != null) {
            path.append("state=").append(encode(state));
        }
        return send(HttpRequest.newBuilder(base.resolve(path.toString())).GET());
    }

    private JsonNode post(String path, Map<String, String> body) {
        try {
            return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "could not encode the request: " + e.getMessage(), e);
        }
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException(ExitCode.GATEWAY_UNREACHABLE, "cannot reach dba-grant-service at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.INTERRUPTED, "interrupted");
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 == 2) {
            return body;
        }
        String message = body != null && body.hasNonNull("message") ? body.get("message").asText()
                : "HTTP " + response.statusCode();
        throw new CliException(exitCode(response.statusCode()), message);
    }

    private static ExitCode exitCode(int status) {
        return switch (status) {
            case 401 -> ExitCode.NOT_LOGGED_IN;
            case 403 -> ExitCode.ACCESS_DENIED;
            case 404 -> ExitCode.UNKNOWN_TARGET;
            default -> ExitCode.FAILED;
        };
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
