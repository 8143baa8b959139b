package io.nais.pg.cli.api;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.ExitCode;
import io.nais.pg.cli.auth.AccessTokens;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.config.ConfigKey;
import io.nais.pg.cli.Nais;

/**
 * JSON over the JDK's HTTP client to one of the platform's services, as the
 * person: their current token travels only in the Authorization header. A
 * refusal is shown as the service wrote it (its {@code message} or
 * {@code error} field), with 401/403/404 mapped to the CLI's exit codes.
 */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String service;
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public ApiClient(String service, String baseUrl, String token) {
        this.service = service;
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.token = token;
    }

    /** The client of the service whose URL is {@code key}; a missing URL is a configuration error that names the key. */
    public static ApiClient configured(Nais nais, ConfigKey key, String service) {
        CliConfig config = nais.config();
        String url = config.get(key).orElseThrow(() -> new CliException(ExitCode.CONFIG,
                "set `" + key.key() + "` (or " + key.environmentVariable() + ") to the URL of " + service));
        String token = new AccessTokens(config, nais.environment()).current().accessToken();
        return new ApiClient(service, url, token);
    }

    /**
     * backup-service's verify half ({@code backup.verify-url}, else {@code backup.url} where one host routes
     * both): it holds the age identity (verify, restore) and runs migrations next to the clusters.
     */
    public static ApiClient backupVerifier(Nais nais) {
        boolean own = nais.config().get(ConfigKey.BACKUP_VERIFY_URL).isPresent();
        return configured(nais, own ? ConfigKey.BACKUP_VERIFY_URL : ConfigKey.BACKUP_URL, "backup-service");
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public JsonNode post(String path, Map<String, ?> body) {
        try {
            return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "could not encode the request: " + e.getMessage(), e);
        }
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Pretty JSON for {@code --json} output. */
    public static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "could not write JSON: " + e.getMessage(), e);
        }
    }

    public static ObjectMapper json() {
        return JSON;
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json").timeout(Duration.ofSeconds(120)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException(ExitCode.GATEWAY_UNREACHABLE, "cannot reach " + service + " at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.INTERRUPTED, "interrupted");
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 == 2) {
            return body;
        }
        throw new CliException(exitCode(response.statusCode()), service + ": " + refusal(body, response.statusCode()));
    }

    private static String refusal(JsonNode body, int status) {
        String message = Optional.ofNullable(body).map(b -> b.hasNonNull("message") ? b.get("message")
                : b.get("error")).filter(JsonNode::isTextual).map(JsonNode::asText).orElse(null);
        if (message != null) {
            return message;
        }
        return switch (status) {
            case 401 -> "not logged in or the token was rejected (HTTP 401): run nais auth login";
            case 403 -> "not allowed (HTTP 403)";
            case 404 -> "not found (HTTP 404)";
            default -> "HTTP " + status;
        };
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
}
