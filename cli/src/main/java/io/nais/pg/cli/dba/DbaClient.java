package io.nais.pg.cli.dba;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.nais.pg.cli.api.ApiClient;

/** The grants API of dba-grant-service; transport and refusals are {@link ApiClient}'s. */
final class DbaClient {

    private final ApiClient api;

    DbaClient(ApiClient api) {
        this.api = api;
    }

    JsonNode request(String clusterId, String reason, String duration) {
        return api.post("api/grants", Map.of("clusterId", clusterId, "reason", reason, "duration", duration));
    }

    JsonNode decide(String grantId, String action, String reason) {
        return api.post("api/grants/" + ApiClient.encode(grantId) + "/" + action,
                reason == null ? Map.of() : Map.of("reason", reason));
    }

    JsonNode list(String clusterId, String state) {
        StringBuilder path = new StringBuilder("api/grants?");
        if (clusterId != null) {
            path.append("clusterId=").append(ApiClient.encode(clusterId)).append('&');
        }
        if (state != null) {
            path.append("state=").append(ApiClient.encode(state));
        }
        return api.get(path.toString());
    }
}
