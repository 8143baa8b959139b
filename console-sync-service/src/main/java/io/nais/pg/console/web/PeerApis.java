package io.nais.pg.console.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The APIs behind the page's actions, called as the person: with the access token of their session, so
 * dba-grant-service and backup-service apply exactly the rules they apply to the CLI. The console decides
 * nothing itself; a refusal comes back with the status and the reason the peer gave.
 */
@ApplicationScoped
class PeerApis {

    /** The peer's answer: a 2xx, or the refusal's HTTP status and the reason it gave. */
    record Outcome(int status, String refusal) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ObjectMapper json;
    private final String dbaGrantUrl;
    private final String backupUrl;
    private final String backupVerifierUrl;

    PeerApis(ObjectMapper json, @ConfigProperty(name = "nais.console.peers.dba-grant-url") String dbaGrantUrl,
             @ConfigProperty(name = "nais.console.peers.backup-url") String backupUrl,
             @ConfigProperty(name = "nais.console.peers.backup-verifier-url") String backupVerifierUrl) {
        this.json = json;
        this.dbaGrantUrl = dbaGrantUrl;
        this.backupUrl = backupUrl;
        this.backupVerifierUrl = backupVerifierUrl;
    }

    Outcome dbaGrant(String path, Map<String, Object> body, String accessToken) {
        return post("dba-grant-service", dbaGrantUrl + path, body, accessToken);
    }

    Outcome backup(String path, String accessToken) {
        return post("backup-service", backupUrl + path, null, accessToken);
    }

    /** Restore checks run in backup-verifier, the half of backup-service that holds the age identity. */
    Outcome backupVerifier(String path, String accessToken) {
        return post("backup-verifier", backupVerifierUrl + path, null, accessToken);
    }

    private Outcome post(String peer, String url, Map<String, Object> body, String accessToken) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2))
                    .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json");
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            } else {
                request.POST(HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() / 100 == 2 ? new Outcome(response.statusCode(), null)
                    : new Outcome(response.statusCode(), reason(peer, response));
        } catch (IOException e) {
            return new Outcome(502, peer + " did not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(503, peer + " was not asked: interrupted");
        }
    }

    /** dba-grant-service refuses with {@code {"rule", "message"}}, backup-service with {@code {"error"}}. */
    private String reason(String peer, HttpResponse<String> response) {
        try {
            JsonNode problem = json.readTree(response.body());
            for (String field : new String[] {"message", "error"}) {
                if (problem != null && problem.hasNonNull(field)) {
                    return problem.get(field).asText();
                }
            }
        } catch (JsonProcessingException notJson) {
            // fall through: the status alone
        }
        return peer + " answered HTTP " + response.statusCode();
    }
}
