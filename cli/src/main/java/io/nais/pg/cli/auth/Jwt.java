package io.nais.pg.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads the claims of a JWT <em>without verifying it</em>: the CLI only needs
 * to know whose token it holds and when it expires. Verification is the
 * gateway's job, and a forged token gains nothing here.
 */
public record Jwt(JsonNode claims) {

    public static Optional<Jwt> decode(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
            JsonNode claims = Json.parse(new String(payload, StandardCharsets.UTF_8));
            return claims.isObject() ? Optional.of(new Jwt(claims)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public Optional<String> claim(String name) {
        return Optional.ofNullable(Json.text(claims, name)).filter(v -> !v.isBlank());
    }

    public Optional<Instant> expiresAt() {
        JsonNode exp = claims.get("exp");
        return exp != null && exp.canConvertToLong() ? Optional.of(Instant.ofEpochSecond(exp.asLong())) : Optional.empty();
    }

    @Override
    public String toString() {
        return "Jwt[claims hidden]";
    }
}
